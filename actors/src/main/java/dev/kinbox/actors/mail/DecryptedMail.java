package dev.kinbox.actors.mail;

import java.util.Optional;

/**
 * A PGP/MIME mail opened by {@link MailAutocrypt#decrypt}.
 *
 * @param entity           the decrypted inner MIME entity (headers such as {@code Autocrypt-Gossip}
 *                         and {@code Content-Type}, then the body), as bytes; hidden from {@link #toString()}
 * @param decryptedWith    fingerprint of the account key that opened it
 * @param currentKey       whether that is the current account key (false: an older or revoked one)
 * @param revokedKey       whether that key is revoked
 * @param signature        what the signature check against the sender's known keys found
 * @param signer           fingerprint of the sender key whose signature verified, when {@code VERIFIED}
 * @param signerUserVerified the user verified {@link #signer} for the sender's address
 */
public record DecryptedMail(byte[] entity, String decryptedWith, boolean currentKey, boolean revokedKey,
                            Signature signature, Optional<String> signer, boolean signerUserVerified) {
    /**
     * Outcome of checking the signatures inside the encrypted mail. Bouncy Castle reports only
     * signatures whose issuer certificate it was given, so "unsigned" and "signed by a key we do
     * not know for the sender" cannot be told apart: both are {@code UNVERIFIED}.
     */
    public enum Signature {
        /** Signed by a key the keyring holds for the From address (its Autocrypt or gossip key). */
        VERIFIED,
        /** No valid signature by a key we know for the sender (unsigned, unknown signer, or bad). */
        UNVERIFIED
    }

    @Override
    public String toString() {
        return "DecryptedMail[" + entity.length + " bytes, decryptedWith=" + decryptedWith + ", currentKey=" + currentKey
                + ", revokedKey=" + revokedKey + ", signature=" + signature + ", signer=" + signer.orElse("-") + "]";
    }
}
