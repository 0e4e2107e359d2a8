package dev.kinbox.crypto;

import java.time.Instant;

/**
 * One signature that verified.
 *
 * @param created            signature creation time
 * @param signingKey         fingerprint of the (sub)key that made it, 40 upper-case hex
 * @param primaryFingerprint fingerprint of its certificate
 */
public record Verification(Instant created, String signingKey, String primaryFingerprint) {}
