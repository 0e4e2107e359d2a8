package dev.kinbox.simulator.fleet;

import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.kinbox.actors.muaa.KinboxSerializer;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.journal.Keyring;
import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.Flag;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaFormatException;
import dev.kinbox.journal.sma.SmaHeader;
import dev.kinbox.journal.sma.SmaMessage;
import dev.kinbox.persistence.KinboxCodec;
import dev.kinbox.persistence.SettingsEvent;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.simulator.workload.HostileAct;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * The mail provider as attacker, through {@link ProviderAccess} (the memory store's fault hooks, or an
 * IMAP session of the account's own on a server): it reads, alters, replays, injects and silently
 * deletes messages in a device's folder, and what {@code _Autocrypt_SMA} holds about the device
 * ({@link AnnouncementAttacks}); it has a key of its own, never a device key. Every entry it writes ({@link HostileAct#FORGE},
 * {@link HostileAct#INJECT}) sets setting {@link #TARGET_KEY} to a value starting with {@link #MARKER},
 * with an unseen dot and a clock an hour ahead, so a device that applied one would hold the marker
 * (and it would win the setting). Same attacks as the actors tests' {@code Provider}; the body layout
 * is docs/PROTOCOL.md "Message kinds and bodies". Thread-safe.
 */
public final class HostileProvider {
    /** The text every forged entry carries: no device's state may ever hold it. */
    public static final String MARKER = "FORGED-BY-PROVIDER";
    /** The setting forged entries set (one the workload edits too). */
    public static final String TARGET_KEY = "s0";
    private static final long FORGED_DOT_BASE = 1_000_000_000L;
    private static final KinboxCodec CODEC = new KinboxCodec();
    private static final CBORMapper CBOR = new CBORMapper();
    private static final int MAX_BODY = 64 << 20;

    private final Crypto crypto;
    private final Clock clock;
    private final OpenPGPKey key;
    private final String keyId;
    private final AtomicLong serial = new AtomicLong();
    private final AnnouncementAttacks announcements;

    /** A provider with a fresh key of its own; {@code clock}: the devices' clock (forged stamps run an hour ahead of it). */
    public HostileProvider(Crypto crypto, Clock clock) throws CryptoException {
        this.crypto = crypto;
        this.clock = clock;
        this.key = crypto.generateKey("<provider@kinbox.invalid>");
        this.keyId = Keyring.deviceIdOf(key.toCertificate());
        this.announcements = new AnnouncementAttacks(crypto, clock, key);
    }

    /**
     * An entry the provider withheld (deleted, or altered so that it no longer opens) or a restore lost:
     * events {@code from}..{@code to} of {@code victimId}'s journal, holding {@code dots}. Its events
     * reach the siblings that had not read it only with a snapshot of the victim at or past {@code to},
     * or the victim's upload of them again after a restore (docs/PROTOCOL.md).
     */
    public record Withheld(String victimId, long from, long to, Set<Dot> dots) {
        public Withheld { dots = Set.copyOf(dots); }
    }

    /**
     * What an act did: {@code acted} false when there was nothing to act on; the entry it withheld, if
     * any; the sequence number of a forged entry ({@code plantedSeq}, 0 if none). A forged entry for
     * {@code seq} carries the Message-ID the victim's own single-event entry for {@code seq} will have,
     * so an author that looks its entry up by Message-ID (after an uncertain APPEND) takes the forgery
     * for its own and skips the upload: the provider withholds that entry this way too
     * (docs/PROTOCOL.md, "Security notes").
     */
    public record Outcome(boolean acted, Optional<Withheld> withheld, long plantedSeq) {
        static final Outcome NOTHING = new Outcome(false, Optional.empty(), 0);
        static final Outcome DONE = new Outcome(true, Optional.empty(), 0);
    }

    /**
     * Told what an act is about to do, before the command that does it: a server that loses the
     * connection after carrying the command out leaves the act's caller with an error only, and an
     * act tried again then acts on another entry.
     */
    interface Intent {
        /** {@code entry} is about to be deleted or altered. */
        void withholding(Withheld entry);

        /** A forged entry for {@code seq} is about to be stored. */
        void planting(long seq);
    }

    /**
     * Carries out {@code act} on {@code victimId}'s folder of {@code accountId}'s mailbox {@code store};
     * forged entries are sealed to {@code recipients} (the account's device certificates, public on
     * the server). Nothing to act on: no folder (yet or any more, also when it went after the
     * listing), a listing the server refused because the device expunged meanwhile, or no entry to
     * alter, replay or delete. A withheld entry is opened with {@code victimKey} - by the simulator,
     * which knows every key, not by the provider - to learn which events it held. {@code intent} is
     * told what is withheld or planted before the command that does it.
     */
    Outcome act(ProviderAccess access, String accountId, String victimId, OpenPGPKey victimKey, List<OpenPGPCertificate> recipients,
                HostileAct act, Intent intent) throws CryptoException, SmaFormatException {
        if (act.onAnnouncements()) {
            List<String> siblingIds = recipients.stream().map(Keyring::deviceIdOf).filter(id -> !id.equals(victimId)).toList();
            return announcements.act(access, victimId, siblingIds, act) ? Outcome.DONE : Outcome.NOTHING;
        }
        MailStore store = access.mailbox();
        String folder = SmaFolders.deviceFolder(victimId);
        if (!store.listFolders().contains(folder)) return Outcome.NOTHING;
        List<StoredMessage> listing;
        try {
            listing = store.fetch(folder, UidRange.all(), Fetch.FULL);
        } catch (MailStoreException.FolderMissing | MailStoreException.CommandRefused changedMeanwhile) {
            // the device deleted its folder, or expunged messages during the listing (GreenMail answers
            // NO "No such message" then): the provider has done nothing, and there is nothing to act on now
            return Outcome.NOTHING;
        }
        List<StoredMessage> entries = new ArrayList<>();
        long highest = 0;
        for (StoredMessage m : listing) {
            SmaHeader h;
            try {
                h = SmaMessage.header(m);
            } catch (SmaFormatException notOurs) {
                continue; // an earlier alteration or a stranger's message
            }
            Map<String, String> at = h.attributes();
            if (h.kind() == SmaHeader.Kind.JOURNAL && at.containsKey("from") && h.device().equals(victimId)) {
                entries.add(m);
                highest = Math.max(highest, number(at.get("to")));
            } else if (h.kind() == SmaHeader.Kind.SNAPSHOT && h.device().equals(victimId)) {
                highest = Math.max(highest, number(at.get("seq")));
            }
        }
        try {
            return command(access, accountId, victimId, victimKey, recipients, act, intent, folder, entries, highest);
        } catch (MailStoreException.FolderMissing retiredMeanwhile) {
            // the device's siblings retired it and deleted its folder since the listing: nothing to act on now
            return Outcome.NOTHING;
        }
    }

    /** The command of {@code act} on {@code folder}, whose listing found the victim's {@code entries} and {@code highest} sequence number. */
    private Outcome command(ProviderAccess access, String accountId, String victimId, OpenPGPKey victimKey, List<OpenPGPCertificate> recipients,
                            HostileAct act, Intent intent, String folder, List<StoredMessage> entries, long highest)
            throws CryptoException, SmaFormatException {
        switch (act) {
            case FORGE -> {
                NewMessage forged = entry(accountId, victimId, highest + 1, recipients);
                intent.planting(highest + 1);
                access.inject(folder, forged);
                return new Outcome(true, Optional.empty(), highest + 1);
            }
            case INJECT -> access.inject(folder, entry(accountId, keyId, serial.get() + 1, recipients));
            case REPLAY -> {
                if (entries.isEmpty()) return Outcome.NOTHING;
                access.inject(folder, NewMessage.of(entries.get(0).raw(), Flag.SEEN));
            }
            case ALTER, DELETE -> {
                if (entries.isEmpty()) return Outcome.NOTHING;
                StoredMessage newest = entries.get(entries.size() - 1);
                Optional<Withheld> withheld = open(crypto, newest, victimId, victimKey);
                withheld.ifPresent(intent::withholding);
                try {
                    if (act == HostileAct.ALTER) access.alter(folder, newest.uid(), HostileProvider::flipBodyByte);
                    else access.delete(folder, newest.uid());
                } catch (MailStoreException.InvalidRequest compactedMeanwhile) {
                    return Outcome.NOTHING; // the device compacted its folder since the listing: the entry is gone, nothing to act on
                }
                return new Outcome(true, withheld, 0);
            }
        }
        return Outcome.DONE;
    }

    /** The highest {@code seq} of a snapshot of {@code deviceId} in its folder, 0 if none. */
    public static long snapshotSeq(MailStore store, String deviceId) throws SmaFormatException {
        String folder = SmaFolders.deviceFolder(deviceId);
        if (!store.listFolders().contains(folder)) return 0;
        long seq = 0;
        for (StoredMessage m : store.fetch(folder, UidRange.all(), Fetch.HEADERS)) {
            try {
                SmaHeader h = SmaMessage.header(m);
                if (h.kind() == SmaHeader.Kind.SNAPSHOT && h.device().equals(deviceId)) seq = Math.max(seq, number(h.attributes().get("seq")));
            } catch (SmaFormatException notOurs) {
                // altered or foreign: no snapshot
            }
        }
        return seq;
    }

    /**
     * Whether {@code deviceId}'s folder in {@code store} now holds events {@code from}..{@code to} of
     * its journal: a snapshot of it at or past {@code to}, or entries of it whose ranges cover each of
     * them (by their headers). False when the folder is missing.
     */
    public static boolean covers(MailStore store, String deviceId, long from, long to) throws SmaFormatException {
        String folder = SmaFolders.deviceFolder(deviceId);
        if (!store.listFolders().contains(folder)) return false;
        BitSet held = new BitSet();
        for (StoredMessage m : store.fetch(folder, UidRange.all(), Fetch.HEADERS)) {
            try {
                SmaHeader h = SmaMessage.header(m);
                if (!h.device().equals(deviceId)) continue;
                Map<String, String> at = h.attributes();
                if (h.kind() == SmaHeader.Kind.SNAPSHOT && number(at.get("seq")) >= to) return true;
                long a = Math.max(from, number(at.get("from"))), b = Math.min(to, number(at.get("to")));
                if (h.kind() == SmaHeader.Kind.JOURNAL && a <= b) held.set((int) (a - from), (int) (b - from) + 1);
            } catch (SmaFormatException notOurs) {
                // altered or foreign: holds nothing
            }
        }
        return to >= from && held.nextClearBit(0) > to - from;
    }

    /**
     * The events of a genuine entry of {@code victimId}, opened with its key by {@code crypto} (the
     * simulator knows every key; the provider does not); empty when it is not one (a forgery, an
     * earlier alteration, a snapshot).
     */
    static Optional<Withheld> open(Crypto crypto, StoredMessage entry, String victimId, OpenPGPKey victimKey) {
        try {
            SmaHeader h = SmaMessage.header(entry);
            if (h.kind() != SmaHeader.Kind.JOURNAL || !h.device().equals(victimId)) return Optional.empty();
            byte[] plain = crypto.decryptAndVerify(SmaMessage.body(entry, MAX_BODY), List.of(victimKey), List.of()).plaintext();
            Set<Dot> dots = new HashSet<>();
            for (JsonNode e : CBOR.readTree(plain).path("events")) dotOf(e).ifPresent(dots::add);
            return Optional.of(new Withheld(victimId, number(h.attributes().get("from")), number(h.attributes().get("to")), dots));
        } catch (CryptoException | SmaFormatException | IOException | RuntimeException notGenuine) {
            return Optional.empty();
        }
    }

    private static long number(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A journal entry for {@code seq} of {@code authorId}, well formed in every respect but signed by the provider's key. */
    private NewMessage entry(String accountId, String authorId, long seq, List<OpenPGPCertificate> recipients)
            throws CryptoException, SmaFormatException {
        long n = serial.incrementAndGet();
        var event = new SettingsEvent.SettingChanged(new Dot(authorId, FORGED_DOT_BASE + n), new Hlc(clock.millis() + 3_600_000L, 0, authorId),
                TARGET_KEY, MARKER + "-" + n);
        Map<String, Object> stored = new LinkedHashMap<>();
        stored.put("seq", seq);
        stored.put("serializer", KinboxSerializer.IDENTIFIER);
        stored.put("serManifest", "SettingChanged");
        stored.put("payload", CODEC.encode(event));
        stored.put("manifest", "");
        stored.put("writerUuid", "provider");
        stored.put("timestamp", 0L);
        stored.put("meta", null);
        stored.put("batchEnd", true);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("v", 1);
        body.put("pid", SmaFolders.devicePersistenceId(accountId, authorId));
        body.put("device", authorId);
        body.put("from", seq);
        body.put("to", seq);
        body.put("events", List.of(stored));
        byte[] plain;
        try {
            plain = CBOR.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a forged body", e);
        }
        byte[] sealed = crypto.encryptAndSign(plain, recipients, List.of(key), false);
        SmaHeader h = SmaHeader.of(SmaHeader.Kind.JOURNAL, authorId, Map.of("from", Long.toString(seq), "to", Long.toString(seq)));
        return SmaMessage.build(h, sealed, clock);
    }

    /**
     * The dot of one journaled event as the journal stores it (in an entry's {@code events} and in the
     * local log: a CBOR map whose {@code payload} is the event's canonical encoding); empty for a
     * merged state, which has no dot of its own, and for anything undecodable.
     */
    public static Optional<Dot> dotOf(byte[] storedEvent) {
        try {
            return dotOf(CBOR.readTree(storedEvent));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Dot> dotOf(JsonNode storedEvent) {
        try {
            return Optional.of(CODEC.decodeEvent(storedEvent.path("payload").binaryValue()).dot());
        } catch (IOException | RuntimeException notAnEvent) {
            return Optional.empty();
        }
    }

    /** Flips one base64 character in the middle of the body: the ciphertext no longer opens. */
    static byte[] flipBodyByte(byte[] raw) {
        String s = new String(raw, StandardCharsets.US_ASCII);
        int body = s.indexOf("\r\n\r\n") + 4;
        int i = body + (s.length() - body) / 2;
        while (i < s.length() - 1 && !Character.isLetterOrDigit(s.charAt(i))) i++;
        char flipped = s.charAt(i) == 'A' ? 'B' : 'A';
        return (s.substring(0, i) + flipped + s.substring(i + 1)).getBytes(StandardCharsets.US_ASCII);
    }
}
