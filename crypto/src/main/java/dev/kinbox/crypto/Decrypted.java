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
 * @param seipdVersion     1 or 2: the encrypted-data packet format of the message (0: not encrypted)
 * @param verifications    details of every verified signature
 * @param sessionKey       the session key in SOP's {@code ALGO:HEX} form, or null when not encrypted;
 *                         plaintext-equivalent, so hidden from {@link #toString()}
 */
public record Decrypted(byte[] plaintext, String decryptedWith, List<String> verifiedSigners,
                        int failedSignatures, int seipdVersion, List<Verification> verifications, String sessionKey) {
    public Decrypted {
        verifiedSigners = List.copyOf(verifiedSigners);
        verifications = List.copyOf(verifications);
    }

    @Override
    public String toString() {
        return "Decrypted[" + plaintext.length + " bytes, decryptedWith=" + decryptedWith + ", verifiedSigners="
                + verifiedSigners + ", failedSignatures=" + failedSignatures + ", seipd=v" + seipdVersion + "]";
    }
}
