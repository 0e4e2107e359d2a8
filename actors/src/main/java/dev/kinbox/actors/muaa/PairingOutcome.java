package dev.kinbox.actors.muaa;

/** Replies of the pairing commands. */
public sealed interface PairingOutcome {
    /** New device: the session started; show {@code qrPayload} (QR path) or wait for the code (short-code path). */
    record Started(String sessionId, java.util.Optional<String> qrPayload) implements PairingOutcome {}

    /** Pairing completed: this device now holds the account keys (new side) or recorded the device as paired (existing side). */
    record Paired(String sessionId, String otherDeviceId, String accountKeyFingerprint) implements PairingOutcome {}
}
