package dev.kinbox.actors.mail;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.crypto.Decrypted;
import dev.kinbox.persistence.AccountState;
import jakarta.mail.internet.MimeMessage;
import java.util.Optional;

/** {@code decrypt}: any held account key, signature checked against the sender's known keys. */
final class Decryption {
    private final Crypto crypto;
    private final MailSettings settings;

    Decryption(Crypto crypto, MailSettings settings) {
        this.crypto = crypto;
        this.settings = settings;
    }

    DecryptedMail decrypt(byte[] raw, AccountState state, AccountKeys keys) throws MailProcessingException {
        MimeMessage m = Mails.parse(raw, settings.maxMailBytes());
        if (!Mails.isEncrypted(m)) throw new MailProcessingException.NotEncrypted("not a multipart/encrypted mail");
        String from = Mails.from(m);
        Keyring ring = new Keyring(state);
        Decrypted d;
        try {
            d = crypto.autocrypt().decryptMail(raw, keys.secretKeys(), ring.certificates(crypto, from));
        } catch (CryptoException.NoMatchingKey e) {
            throw new MailProcessingException.NoMatchingKey("not encrypted to any account key we hold", e);
        } catch (CryptoException e) {
            throw new MailProcessingException.Malformed("bad OpenPGP data: " + e.getMessage(), e);
        }
        String with = d.decryptedWith();
        AccountKeys.HeldKey held = keys.all().stream().filter(k -> k.fingerprint().equals(with)).findFirst()
                .orElseThrow(() -> new MailProcessingException.Malformed("opened by no account key (password or session key)"));
        boolean current = keys.current().map(c -> c.fingerprint().equals(with)).orElse(false);
        Optional<String> signer = d.verifiedSigners().stream().findFirst();
        DecryptedMail.Signature sig = signer.isPresent() ? DecryptedMail.Signature.VERIFIED : DecryptedMail.Signature.UNVERIFIED;
        boolean userVerified = signer.isPresent() && ring.verified(from).contains(signer.get());
        return new DecryptedMail(d.plaintext(), with, current, held.revoked(), sig, signer, userVerified);
    }
}
