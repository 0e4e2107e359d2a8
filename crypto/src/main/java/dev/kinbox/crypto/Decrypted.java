package dev.kinbox.crypto;

import java.util.List;

/**
 * Outcome of decrypt+verify.
 *
 * @param plaintext        the literal data
 * @param decryptedWith    primary-key fingerprint (40 upper-case hex) of the key that opened the message,
 *                         or {@code null} when a password or session key opened it
 * @param verifiedSigners  primary-key fingerprints of the certificates whose signatures verified
 * @param failedSignatures how many signatures were present but did not verify (or had no known cert)
 * @param seipdVersion     1 or 2: the encrypted-data packet format of the message
 */
public record Decrypted(byte[] plaintext, String decryptedWith, List<String> verifiedSigners,
                        int failedSignatures, int seipdVersion) {
    public Decrypted {
        verifiedSigners = List.copyOf(verifiedSigners);
    }
}
