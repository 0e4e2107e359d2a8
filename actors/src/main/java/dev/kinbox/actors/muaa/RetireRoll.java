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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * A device's retirement roll in {@code _Autocrypt_SMA} (docs/PROTOCOL.md, "Retirement rolls"): the ids
 * its state holds as retired, signed by it like a {@link RetireNotice}. One per author, replaced when
 * the set grows and never collected while its author is in the account, so it still tells a device back
 * after a long absence that it was retired when the notice that did has been collected and the sibling
 * that wrote it is switched off. Trusted when {@code by} is a device the reader's state has as paired and
 * it signed the roll, or - for a roll listing the reader - when an account key the reader holds signed it.
 *
 * @param by      the author
 * @param at      when it wrote the roll, epoch millis of its clock
 * @param retired the devices its state held as retired then, at most {@link #MAX_IDS}
 */
record RetireRoll(String by, long at, SortedSet<String> retired) {
    static final String MAGIC = "Kinbox-Roll: 1";
    /** The most ids a roll lists: 17 bytes each, the body stays within {@link #MAX_BODY}. */
    static final int MAX_IDS = 4096;
    static final int MAX_BODY = 128 * 1024;
    private static final String WHAT = "retirement roll";

    RetireRoll {
        if (!SmaFolders.isDeviceId(by)) throw new IllegalArgumentException("bad device id");
        if (retired.isEmpty() || retired.size() > MAX_IDS) throw new IllegalArgumentException("a roll lists 1 to " + MAX_IDS + " devices");
        for (String id : retired) if (!SmaFolders.isDeviceId(id) || id.equals(by)) throw new IllegalArgumentException("bad retired device id");
        retired = Collections.unmodifiableSortedSet(new TreeSet<>(retired));
    }

    /**
     * The roll {@code by} writes at {@code at} for the devices its state holds as retired ({@code retired}; empty when
     * there are none: no roll), the first {@link #MAX_IDS} in id order when there are more.
     */
    static java.util.Optional<RetireRoll> of(String by, long at, java.util.Collection<String> retired) {
        TreeSet<String> ids = new TreeSet<>(retired);
        ids.remove(by);
        while (ids.size() > MAX_IDS) ids.pollLast();
        return ids.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(new RetireRoll(by, at, ids));
    }

    /** For the user of a device the roll lists. */
    String describe() {
        return "this device was retired by the account (device " + by + " listed it as retired at " + Instant.ofEpochMilli(at)
                + "); pair again as a new device (new device key)";
    }

    /** {@code v=1; kind=drop; device=<by>; type=roll; at=<epoch millis>}. */
    SmaHeader header() {
        return SmaHeader.of(SmaHeader.Kind.DROP, by, Map.of("type", "roll", "at", Long.toString(at)));
    }

    /** True when {@code h} is a roll's header (of any validity). */
    static boolean isRoll(SmaHeader h) {
        return h.kind() == SmaHeader.Kind.DROP && "roll".equals(h.attributes().get("type"));
    }

    /** The message signed by {@code byKey} and each of {@code accountKeys}, ready to append to {@code _Autocrypt_SMA}. */
    NewMessage toMessage(OpenPGPKey byKey, List<OpenPGPKey> accountKeys, Crypto crypto, Clock clock) throws CryptoException {
        String text = MAGIC + "\n" + "By: " + by + "\n" + "At: " + at + "\n" + "Retired: " + String.join(",", retired) + "\n";
        return SmaMessage.build(header(), SignedNotes.sign(text, byKey, accountKeys, crypto), clock);
    }

    /** Reads a fully fetched roll and checks it: fields equal to the header's, a valid signature by {@code author}. */
    static RetireRoll verify(StoredMessage m, OpenPGPCertificate author, Crypto crypto) throws SmaFormatException {
        return matching(SignedNotes.byAuthor(m, RetireRoll::isRoll, MAX_BODY, author, crypto, WHAT));
    }

    /** Reads a fully fetched roll by an author the reader does not know: as {@link #verify}, signed by one of {@code accountKeys}. */
    static RetireRoll verifyByAccount(StoredMessage m, List<OpenPGPCertificate> accountKeys, Crypto crypto) throws SmaFormatException {
        return matching(SignedNotes.byAccount(m, RetireRoll::isRoll, MAX_BODY, accountKeys, crypto, WHAT));
    }

    /** The roll in {@code o}, when its fields are those of its header. */
    private static RetireRoll matching(SignedNotes.Opened o) throws SmaFormatException {
        RetireRoll r = parse(o.text());
        if (!r.by.equals(o.header().device()) || !Long.toString(r.at).equals(o.header().require("at"))) {
            throw new SmaFormatException("retirement roll body does not match its header");
        }
        return r;
    }

    static RetireRoll parse(String text) throws SmaFormatException {
        String[] l = text.split("\n", -1);
        if (l.length != 5 || !l[0].equals(MAGIC) || !l[4].isEmpty()) throw new SmaFormatException("malformed retirement roll");
        try {
            String[] ids = SignedNotes.field(l[3], "Retired", WHAT).split(",", -1);
            if (ids.length > MAX_IDS) throw new SmaFormatException("retirement roll lists more than " + MAX_IDS + " devices");
            return new RetireRoll(SignedNotes.field(l[1], "By", WHAT), Long.parseLong(SignedNotes.field(l[2], "At", WHAT)), new TreeSet<>(List.of(ids)));
        } catch (IllegalArgumentException e) {
            throw new SmaFormatException("malformed retirement roll: " + e.getMessage());
        }
    }
}
