package dev.kinbox.journal;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.crypto.Decrypted;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;

/**
 * Signs-and-encrypts what the journal uploads and decrypts-and-verifies what it reads, against the
 * {@link Keyring} as it is at that moment.
 */
final class Sealer {
    private final Crypto crypto;
    private final Keyring keyring;

    Sealer(Crypto crypto, Keyring keyring) {
        this.crypto = crypto;
        this.keyring = keyring;
    }

    Keyring keyring() {
        return keyring;
    }

    /** Signed by this device, encrypted to this device and every paired sibling. */
    byte[] seal(byte[] plaintext) {
        try {
            return crypto.encryptAndSign(plaintext, keyring.recipients(), List.of(keyring.deviceKey()), false);
        } catch (CryptoException e) {
            throw new JournalException.Malformed("cannot seal: " + e.getMessage(), e);
        }
    }

    /**
     * The plaintext, if the message decrypts with our key and carries a valid signature of
     * {@code author}, which must be a paired device (or this one) now.
     */
    byte[] open(byte[] message, String author) {
        OpenPGPCertificate cert = keyring.certificateOf(author).orElseThrow(() -> keyring.retired(author)
                ? JournalException.Untrusted.byRetired(author) : new JournalException.Untrusted("author " + author + " is not a paired device"));
        try {
            Decrypted d = crypto.decryptAndVerify(message, List.of(keyring.deviceKey()), List.of(cert));
            Crypto.requireSigned(d, cert);
            if (d.seipdVersion() == 0) throw new JournalException.Untrusted("entry by " + author + " is not encrypted");
            return d.plaintext();
        } catch (CryptoException.Malformed e) {
            throw new JournalException.Malformed("entry by " + author + ": " + e.getMessage(), e);
        } catch (CryptoException e) {
            throw new JournalException.Untrusted("entry by " + author + ": " + e.getMessage(), e);
        }
    }

    /**
     * The paired siblings (other than {@code author}) that the opened {@code message} was not sealed to:
     * it was sealed before its author knew of them (or a provider took their session-key packets out).
     * Empty in the usual case.
     */
    java.util.Set<String> notSealedTo(byte[] message, String author) {
        List<Keyring.PairedDevice> others = keyring.siblings().stream().filter(d -> !d.deviceId().equals(author)).toList();
        if (others.isEmpty()) return java.util.Set.of();
        try {
            List<OpenPGPCertificate> missing = Crypto.notEncryptedTo(message, others.stream().map(Keyring.PairedDevice::certificate).toList());
            java.util.Set<String> out = new java.util.TreeSet<>();
            for (Keyring.PairedDevice d : others) if (missing.contains(d.certificate())) out.add(d.deviceId());
            return out;
        } catch (CryptoException e) {
            throw new JournalException.Malformed("entry by " + author + ": " + e.getMessage(), e);
        }
    }
}
