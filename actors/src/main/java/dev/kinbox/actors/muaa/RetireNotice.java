package dev.kinbox.actors.muaa;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaFormatException;
import dev.kinbox.journal.sma.SmaHeader;
import dev.kinbox.journal.sma.SmaMessage;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * A signed notice in {@code _Autocrypt_SMA} that device {@code deviceId} was retired by {@code by}
 * (docs/PROTOCOL.md, "Removal and expiry"): how a retired device, which can no longer decrypt the
 * journal, learns that it was retired, and how siblings learn that a device left on its own. It is
 * trusted only when {@code by} is a device the reader's state has as paired and it signed the notice.
 *
 * @param deviceId the retired device
 * @param by       the device that retired it (the device itself when it left)
 * @param at       when, epoch millis of {@code by}'s clock
 * @param reason   why
 */
record RetireNotice(String deviceId, String by, long at, Reason reason) {
    static final String MAGIC = "Kinbox-Retire: 1";
    static final int MAX_BODY = 16 * 1024;
    private static final String WHAT = "retirement notice";

    /** Why a device was retired. */
    enum Reason {
        /** a user removed it on another device */
        REMOVED,
        /** it was silent longer than {@code Timing.expireAfter} */
        EXPIRED,
        /** a user removed it on the device itself */
        LEFT;

        String wire() { return name().toLowerCase(Locale.ROOT); }
    }

    RetireNotice {
        if (!SmaFolders.isDeviceId(deviceId) || !SmaFolders.isDeviceId(by)) throw new IllegalArgumentException("bad device id");
        if (reason == null) throw new IllegalArgumentException("reason missing");
    }

    /** For the user of the retired device. */
    String describe() {
        return switch (reason) {
            case LEFT -> "this device left the account at " + Instant.ofEpochMilli(at);
            case REMOVED -> "this device was removed by device " + by + " at " + Instant.ofEpochMilli(at);
            case EXPIRED -> "this device was silent too long and was retired by device " + by + " at " + Instant.ofEpochMilli(at);
        } + "; pair again as a new device (new device key)";
    }

    /** {@code v=1; kind=drop; device=<by>; retired=<deviceId>; type=retire}. */
    SmaHeader header() {
        return SmaHeader.of(SmaHeader.Kind.DROP, by, Map.of("type", "retire", "retired", deviceId));
    }

    /** True when {@code h} is a retirement notice's header (of any validity). */
    static boolean isNotice(SmaHeader h) {
        return h.kind() == SmaHeader.Kind.DROP && "retire".equals(h.attributes().get("type"));
    }

    /**
     * The message signed by {@code byKey} and by each of {@code accountKeys} (the account's secret keys
     * the author holds: a device paired before the author, back after the author retired it, knows no
     * author's certificate to trust but holds an account key - {@link #verifyByAccount}), ready to append
     * to {@code _Autocrypt_SMA}.
     */
    NewMessage toMessage(OpenPGPKey byKey, List<OpenPGPKey> accountKeys, Crypto crypto, Clock clock) throws CryptoException {
        String text = MAGIC + "\n" + "Device: " + deviceId + "\n" + "By: " + by + "\n" + "At: " + at + "\n" + "Reason: " + reason.wire() + "\n";
        return SmaMessage.build(header(), SignedNotes.sign(text, byKey, accountKeys, crypto), clock);
    }

    /**
     * Reads a fully fetched notice and checks it: body fields equal to the header's and a valid
     * signature by the author's certificate {@code author} (which the caller took from its state).
     */
    static RetireNotice verify(StoredMessage m, OpenPGPCertificate author, Crypto crypto) throws SmaFormatException {
        return matching(SignedNotes.byAuthor(m, RetireNotice::isNotice, MAX_BODY, author, crypto, WHAT));
    }

    /**
     * Reads a fully fetched notice by an author the reader's state does not know, and checks it: body
     * fields equal to the header's and a valid signature by one of the account keys the reader holds
     * ({@code accountKeys}, their certificates). Only the account's devices hold those keys - the provider
     * holds none - so such a notice was written by a device of the account: one paired after the reader
     * went away. Trusted for a notice naming the reader itself only (docs/PROTOCOL.md, "Removal and expiry").
     */
    static RetireNotice verifyByAccount(StoredMessage m, List<OpenPGPCertificate> accountKeys, Crypto crypto) throws SmaFormatException {
        return matching(SignedNotes.byAccount(m, RetireNotice::isNotice, MAX_BODY, accountKeys, crypto, WHAT));
    }

    /** The notice in {@code o}, when its fields are those of its header. */
    private static RetireNotice matching(SignedNotes.Opened o) throws SmaFormatException {
        RetireNotice n = parse(o.text());
        if (!n.by.equals(o.header().device()) || !n.deviceId.equals(o.header().require("retired"))) {
            throw new SmaFormatException("retirement notice body does not match its header");
        }
        return n;
    }

    private static RetireNotice parse(String text) throws SmaFormatException {
        String[] l = text.split("\n", -1);
        if (l.length != 6 || !l[0].equals(MAGIC) || !l[5].isEmpty()) throw new SmaFormatException("malformed retirement notice");
        try {
            Reason reason = Reason.valueOf(field(l[4], "Reason").toUpperCase(Locale.ROOT));
            return new RetireNotice(field(l[1], "Device"), field(l[2], "By"), Long.parseLong(field(l[3], "At")), reason);
        } catch (IllegalArgumentException e) {
            throw new SmaFormatException("malformed retirement notice: " + e.getMessage());
        }
    }

    private static String field(String line, String name) throws SmaFormatException {
        return SignedNotes.field(line, name, WHAT);
    }
}
