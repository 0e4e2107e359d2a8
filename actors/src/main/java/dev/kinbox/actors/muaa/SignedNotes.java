package dev.kinbox.actors.muaa;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.crypto.Decrypted;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.sma.SmaFormatException;
import dev.kinbox.journal.sma.SmaHeader;
import dev.kinbox.journal.sma.SmaMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * The signed, unencrypted notes a device leaves in {@code _Autocrypt_SMA} about retirements - the
 * notices ({@link RetireNotice}) and the rolls ({@link RetireRoll}): signed by the author's device key
 * and by every account key it holds, so that a device that does not know the author (paired after it
 * went away) can still trust a note naming itself (docs/PROTOCOL.md, "Removal and expiry").
 */
final class SignedNotes {
    private SignedNotes() {}

    /** {@code text} signed by {@code byKey} and each of {@code accountKeys}, not encrypted. */
    static byte[] sign(String text, OpenPGPKey byKey, List<OpenPGPKey> accountKeys, Crypto crypto) throws CryptoException {
        List<OpenPGPKey> signers = new ArrayList<>(List.of(byKey));
        signers.addAll(accountKeys);
        return crypto.encryptAndSign(text.getBytes(StandardCharsets.UTF_8), List.of(), signers, false);
    }

    /** A note's header and signed text. */
    record Opened(SmaHeader header, String text) {}

    /**
     * The fully fetched note {@code m} - its header one {@code isKind} accepts, its body at most {@code maxBody} bytes - when
     * {@code author} signed it; {@code what} names the kind in errors.
     */
    static Opened byAuthor(StoredMessage m, Predicate<SmaHeader> isKind, int maxBody, OpenPGPCertificate author, Crypto crypto, String what)
            throws SmaFormatException {
        SmaHeader h = header(m, isKind, what);
        byte[] body = SmaMessage.body(m, maxBody);
        try {
            return new Opened(h, text(Crypto.requireSigned(crypto.decryptAndVerify(body, List.of(), List.of(author)), author)));
        } catch (CryptoException e) {
            throw new SmaFormatException(what + " does not verify: " + e.getMessage());
        }
    }

    /**
     * As {@link #byAuthor}, when one of {@code accountKeys} (certificates of account keys the reader holds) signed it. Only
     * the account's devices hold those keys - the provider holds none.
     */
    static Opened byAccount(StoredMessage m, Predicate<SmaHeader> isKind, int maxBody, List<OpenPGPCertificate> accountKeys, Crypto crypto,
                            String what) throws SmaFormatException {
        SmaHeader h = header(m, isKind, what);
        byte[] body = SmaMessage.body(m, maxBody);
        try {
            Decrypted opened = crypto.decryptAndVerify(body, List.of(), accountKeys);
            for (OpenPGPCertificate k : accountKeys) {
                if (opened.verifiedSigners().contains(Crypto.fingerprint(k))) return new Opened(h, text(opened));
            }
            throw new SmaFormatException(what + " by an unknown device has no signature by an account key");
        } catch (CryptoException e) {
            throw new SmaFormatException(what + " does not verify: " + e.getMessage());
        }
    }

    private static SmaHeader header(StoredMessage m, Predicate<SmaHeader> isKind, String what) throws SmaFormatException {
        SmaHeader h = SmaMessage.header(m);
        if (!isKind.test(h)) throw new SmaFormatException("not a " + what);
        return h;
    }

    private static String text(Decrypted opened) {
        return new String(opened.plaintext(), StandardCharsets.UTF_8);
    }

    /** The value of {@code line}, which must be {@code "<name>: <value>"}. */
    static String field(String line, String name, String what) throws SmaFormatException {
        if (!line.startsWith(name + ": ")) throw new SmaFormatException(what + " lacks " + name);
        return line.substring(name.length() + 2);
    }
}
