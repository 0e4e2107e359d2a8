package dev.kinbox.crypto;

import java.util.Map;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;

/**
 * One valid {@code Autocrypt} or {@code Autocrypt-Gossip} header.
 *
 * @param addr          the canonical (lower-case) address the key belongs to
 * @param mutual        {@code prefer-encrypt=mutual} was given
 * @param keydata       the binary key data (exactly the five-packet Autocrypt shape)
 * @param certificate   the parsed certificate
 * @param fingerprint   its primary fingerprint, 40 upper-case hex digits
 * @param nonCritical   attributes whose names start with {@code _}, in header order
 */
public record AutocryptHeader(String addr, boolean mutual, byte[] keydata, OpenPGPCertificate certificate,
                              String fingerprint, Map<String, String> nonCritical) {
    public AutocryptHeader {
        nonCritical = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(nonCritical));
    }
}
