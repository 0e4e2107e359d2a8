package dev.kinbox.actors.muaa;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.journal.JournalStats;
import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.mail.ServedFetch;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.Retries;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaFormatException;
import dev.kinbox.journal.sma.SmaHeader;
import dev.kinbox.journal.sma.SmaMessage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blocking reads and writes of {@code _Autocrypt_SMA}: one current announcement per device and the
 * retirement notices ({@link RetireNotice}) and rolls ({@link RetireRoll}); and the purge of a retired device's folder. Runs on a
 * blocking executor, never on an actor thread. Messages that do not verify are skipped and counted
 * in {@code refused}, each once (by UID) however often the folder is read. An announcement verified
 * before is not verified again while its bytes are unchanged ({@code verified}, keyed by the
 * SHA-256 of the whole message): a device reads the folder at every liveness check, and verifying
 * each sibling's signature every time was a fifth of a 1,000-device simulation's CPU. Messages in
 * this device's own name that it did not write (they do not verify with its certificate) are
 * impostors: the provider's forgeries and alterations, which only this device can tell apart for
 * sure; it deletes them ({@link #deleteImpostors}).
 */
final class AnnouncementFolder {
    private static final Logger LOG = LoggerFactory.getLogger(AnnouncementFolder.class);
    private static final String FOLDER = SmaFolders.ANNOUNCEMENTS;
    private static final int MAX_MESSAGES = 10_000;

    private final MailStore store;
    private final Crypto crypto;
    private final String self;
    private final JournalStats stats;
    private final LongAdder refused;
    private final Set<Long> refusedUids;
    private final Map<String, Announcement> verified;
    private final Map<String, RetireRoll> verifiedRolls;

    /**
     * {@code self}: the reading device's id; {@code stats}: its runtime's, where refusals and deleted impostors
     * are summed over its devices; {@code refused}: this device's own count of refusals;
     * {@code refusedUids}: the UIDs already counted, kept by the caller across reads so each bad message counts (and logs) once;
     * {@code verified}: announcements verified at earlier reads by message digest, kept by the caller (only those still in the folder stay);
     * {@code verifiedRolls}: the same for rolls verified with their author's certificate.
     */
    AnnouncementFolder(MailStore store, Crypto crypto, String self, JournalStats stats, LongAdder refused, Set<Long> refusedUids,
                       Map<String, Announcement> verified, Map<String, RetireRoll> verifiedRolls) {
        this.store = store;
        this.crypto = crypto;
        this.self = self;
        this.stats = stats;
        this.refused = refused;
        this.refusedUids = refusedUids;
        this.verified = verified;
        this.verifiedRolls = verifiedRolls;
    }

    /**
     * What the folder holds, verified: the newest announcement of every device and the trusted
     * retirement notices; the notices of authors the reader's state has as retired ({@code byRetired},
     * verified with their certificates: never trusted as a retirement, but a device retired by such an
     * author before it left still trusts them, so they count in their upkeep - against their garbage
     * collection, and a leaver's own notice as present); and the
     * UIDs of every notice, trusted or not, by the device it names (by its header alone), for that collection;
     * the trusted rolls ({@code rolls}: by a device the reader's state has as paired, the reader's own among them, or
     * listing the reader and signed by an account key it holds) and the UIDs of every roll by its author's id (by
     * its header alone: the reader's own for their upkeep, a retired author's for the purge);
     * and the UIDs of the announcements, notices and rolls in the reader's own name that did not verify ({@code impostors},
     * for {@link #deleteImpostors}).
     */
    record Contents(Map<String, Announcement> announcements, List<RetireNotice> notices, List<RetireNotice> byRetired,
                    Map<String, List<Long>> noticeUids, List<RetireRoll> rolls, Map<String, List<Long>> rollUids, List<Long> impostors) {
        static final Contents EMPTY = new Contents(Map.of(), List.of(), List.of(), Map.of(), List.of(), Map.of(), List.of());

        Contents {
            noticeUids = Map.copyOf(noticeUids);
            rolls = List.copyOf(rolls);
            rollUids = Map.copyOf(rollUids);
            impostors = List.copyOf(impostors);
        }
    }

    /** The newest verified announcement of every device; empty when the folder does not exist. */
    Map<String, Announcement> read() {
        return readAll(Map.of()).announcements();
    }

    /** As {@link #readAll(Map, Map, java.util.function.Supplier)} with no retired authors and no account keys. */
    Contents readAll(Map<String, byte[]> trusted) {
        return readAll(trusted, Map.of(), List::of);
    }

    /**
     * Announcements, retirement notices and rolls. A notice or roll counts only when its author is in
     * {@code trusted} (device id to certificate bytes, from the reader's state) and signed it; one whose
     * author is in {@code retiredAuthors} (the same, for the devices the reader's state has as retired) and signed
     * it goes to {@link Contents#byRetired}; a notice of another author is passed over - unless it names this
     * device and carries a valid signature by one of {@code accountKeys} (the certificates of the account keys
     * the reader's state holds, asked for only then): it counts then too ({@link RetireNotice#verifyByAccount}). A roll
     * by another author counts when it lists this device and carries such a signature; a retired author's roll is
     * passed over (the purge deletes it). One that fails verification is counted in {@code refused}.
     */
    Contents readAll(Map<String, byte[]> trusted, Map<String, byte[]> retiredAuthors,
                     java.util.function.Supplier<List<OpenPGPCertificate>> accountKeys) {
        if (!store.listFolders().contains(FOLDER)) return Contents.EMPTY;
        List<StoredMessage> msgs;
        try {
            msgs = ServedFetch.fetch(store, FOLDER, UidRange.all(), Fetch.FULL); // one message refused for good does not stop every check
        } catch (MailStoreException.FolderMissing e) {
            return Contents.EMPTY;
        }
        Map<String, Announcement> out = new HashMap<>();
        List<RetireNotice> notices = new ArrayList<>();
        List<RetireNotice> byRetired = new ArrayList<>();
        Map<String, List<Long>> noticeUids = new HashMap<>();
        List<RetireRoll> rolls = new ArrayList<>();
        Map<String, List<Long>> rollUids = new HashMap<>();
        Map<String, OpenPGPCertificate> certs = new HashMap<>();
        Set<String> seen = new java.util.HashSet<>();
        List<Long> impostors = new ArrayList<>();
        List<OpenPGPCertificate> accountCerts = null;
        for (StoredMessage m : msgs.subList(0, Math.min(msgs.size(), MAX_MESSAGES))) {
            if (m.vanished()) continue; // an old announcement its author replaced while we fetched: nothing refused
            SmaHeader h = null;
            try {
                h = SmaMessage.header(m);
                if (RetireRoll.isRoll(h)) {
                    rollUids.computeIfAbsent(h.device(), k -> new ArrayList<>()).add(m.uid());
                    byte[] cert = trusted.get(h.device());
                    String digest = digest(m.raw());
                    seen.add(digest); // kept for the readers of a shared cache that trust its author
                    if (cert != null) {
                        RetireRoll r = verifiedRolls.get(digest);
                        if (r == null) {
                            OpenPGPCertificate author = certs.get(h.device());
                            if (author == null) certs.put(h.device(), author = crypto.readCertificate(cert));
                            verifiedRolls.put(digest, r = RetireRoll.verify(m, author, crypto));
                        }
                        rolls.add(r);
                    } else if (!retiredAuthors.containsKey(h.device())) {
                        // by a device paired after this one went away: trusted with an account key's signature, when it lists this one
                        if (accountCerts == null) accountCerts = accountKeys.get();
                        if (!accountCerts.isEmpty()) {
                            RetireRoll r = RetireRoll.verifyByAccount(m, accountCerts, crypto);
                            if (r.retired().contains(self)) rolls.add(r);
                        }
                    }
                    continue;
                }
                if (RetireNotice.isNotice(h)) {
                    String retired = h.attributes().get("retired");
                    if (SmaFolders.isDeviceId(retired)) noticeUids.computeIfAbsent(retired, k -> new ArrayList<>()).add(m.uid());
                    byte[] cert = trusted.getOrDefault(h.device(), retiredAuthors.get(h.device()));
                    if (cert == null) {
                        // by a device paired after this one went away, naming this one: trusted with an account key's signature
                        if (self.equals(retired)) {
                            if (accountCerts == null) accountCerts = accountKeys.get(); // parsed once per read, and only here
                            if (!accountCerts.isEmpty()) notices.add(RetireNotice.verifyByAccount(m, accountCerts, crypto));
                        }
                        continue;
                    }
                    OpenPGPCertificate author = certs.get(h.device());
                    if (author == null) certs.put(h.device(), author = crypto.readCertificate(cert));
                    (trusted.containsKey(h.device()) ? notices : byRetired).add(RetireNotice.verify(m, author, crypto));
                    continue;
                }
                String digest = digest(m.raw());
                seen.add(digest);
                Announcement a = verified.get(digest);
                if (a == null) verified.put(digest, a = Announcement.verify(m, crypto));
                out.merge(a.deviceId(), a, (x, y) -> x.activeAt() >= y.activeAt() ? x : y);
            } catch (SmaFormatException | CryptoException e) {
                if (h != null && inOwnName(h)) impostors.add(m.uid());
                if (refusedUids.add(m.uid())) {
                    refused.increment();
                    stats.announcementsRefused.increment();
                    LOG.warn("refusing message uid {} in {}: {}", m.uid(), FOLDER, e.getMessage());
                }
            }
        }
        verified.keySet().retainAll(seen);
        verifiedRolls.keySet().retainAll(seen);
        return new Contents(out, notices, byRetired, noticeUids, rolls, rollUids, impostors);
    }

    /** An announcement, retirement notice or roll whose header says this device wrote it. */
    private boolean inOwnName(SmaHeader h) {
        return self.equals(h.device()) && (h.kind() == SmaHeader.Kind.ANNOUNCE || RetireNotice.isNotice(h) || RetireRoll.isRoll(h));
    }

    /**
     * True when {@code m} is this device's own announcement or notice: it verifies with {@code own}, this
     * device's certificate. A message in its name that does not was written by someone else.
     */
    private boolean writtenByThisDevice(StoredMessage m, SmaHeader h, OpenPGPCertificate own) {
        try {
            if (RetireNotice.isNotice(h)) RetireNotice.verify(m, own, crypto);
            else if (RetireRoll.isRoll(h)) RetireRoll.verify(m, own, crypto);
            else if (!Announcement.verify(m, crypto).deviceId().equals(self)) return false;
            return true;
        } catch (SmaFormatException e) {
            return false;
        }
    }

    /**
     * Deletes those of the messages with {@code uids} that are still in this device's own name and
     * still do not verify with {@code own}, its certificate; each is fetched and checked again first,
     * as the folder may have been rebuilt since the read that listed it (its UIDs then name other
     * messages). Only the device named can tell for sure that a message in its name is not its own, so
     * it deletes what the provider forged or altered in its name, and nothing of anyone else. Returns
     * how many it deleted.
     */
    int deleteImpostors(List<Long> uids, OpenPGPCertificate own) {
        if (uids.isEmpty() || !store.listFolders().contains(FOLDER)) return 0;
        List<Long> gone = new ArrayList<>();
        for (long uid : uids) {
            for (StoredMessage m : ServedFetch.fetch(store, FOLDER, UidRange.of(uid), Fetch.FULL)) {
                if (m.vanished() || m.uid() != uid) continue;
                try {
                    SmaHeader h = SmaMessage.header(m);
                    if (inOwnName(h) && !writtenByThisDevice(m, h, own)) gone.add(uid);
                } catch (SmaFormatException changed) {
                    // not in anyone's name now: another message under this UID
                }
            }
        }
        if (gone.isEmpty()) return 0;
        LOG.warn("deleting {} message(s) in {} in this device's name that it did not write (forged or altered)", gone.size(), FOLDER);
        store.delete(FOLDER, gone);
        stats.impostorsDeleted.add(gone.size());
        return gone.size();
    }

    private static String digest(byte[] raw) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(raw));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    /** The ids of the devices whose folders ({@code _Autocrypt_SMA_<deviceId>}) the account holds, sorted. */
    List<String> deviceFolders() {
        List<String> out = new ArrayList<>();
        for (String f : store.listFolders()) {
            if (!f.startsWith(SmaFolders.PREFIX)) continue;
            String id = f.substring(SmaFolders.PREFIX.length());
            if (SmaFolders.isDeviceId(id)) out.add(id);
        }
        java.util.Collections.sort(out);
        return out;
    }

    /**
     * Appends {@code n} signed by {@code byKey} unless this device's notice naming the same device is
     * there already (same Message-ID, and it verifies with {@code byKey}). The Message-ID alone is not
     * proof: the provider can plant a notice in this device's name, signed by another key, which every
     * reader refuses - and which, taken for this device's own, would keep its genuine notice out for
     * good. Such an impostor is deleted once the genuine notice is in.
     */
    void publishNotice(RetireNotice n, OpenPGPKey byKey, List<OpenPGPKey> accountKeys, Clock clock) throws CryptoException {
        createMissing(List.of(FOLDER));
        List<Long> same = store.search(FOLDER, "Message-ID", n.header().messageId());
        List<Long> impostors = new ArrayList<>();
        OpenPGPCertificate own = byKey.toCertificate();
        for (long uid : same) {
            for (StoredMessage m : store.fetch(FOLDER, UidRange.of(uid), Fetch.FULL)) {
                if (m.vanished() || m.uid() != uid) continue;
                try {
                    RetireNotice.verify(m, own, crypto);
                    return; // this device's own notice: written before (a retry)
                } catch (SmaFormatException notOurs) {
                    impostors.add(uid);
                }
            }
        }
        store.append(FOLDER, n.toMessage(byKey, accountKeys, crypto, clock));
        if (!impostors.isEmpty()) {
            LOG.warn("replacing {} message(s) in {} that carry this device's notice's Message-ID but are not its notice", impostors.size(), FOLDER);
            store.delete(FOLDER, impostors);
            stats.impostorsDeleted.add(impostors.size());
        }
    }

    /**
     * Appends {@code n} signed by {@code byKey} in place of this author's notice naming the same
     * device (same Message-ID), which then goes: a fresh {@code at} keeps it from garbage collection
     * for another {@code expireAfter} (docs/PROTOCOL.md, "Removal and expiry").
     */
    void renewNotice(RetireNotice n, OpenPGPKey byKey, List<OpenPGPKey> accountKeys, Clock clock) throws CryptoException {
        createMissing(List.of(FOLDER));
        List<Long> older = store.search(FOLDER, "Message-ID", n.header().messageId());
        store.append(FOLDER, n.toMessage(byKey, accountKeys, crypto, clock));
        if (!older.isEmpty()) store.delete(FOLDER, older);
    }

    /** Deletes the notices with these UIDs (those gone already are no error). */
    void forgetNotices(List<Long> uids) {
        if (!uids.isEmpty() && store.listFolders().contains(FOLDER)) store.delete(FOLDER, uids);
    }

    /**
     * Creates those of {@code folders} the account lacks: one LIST instead of a CREATE per folder,
     * since the folders are almost always there (a CREATE of an existing folder is an error reply
     * that GreenMail also logs with a stack trace).
     */
    private void createMissing(List<String> folders) {
        List<String> present = store.listFolders();
        for (String f : folders) if (!present.contains(f)) store.createFolder(f);
    }

    /**
     * Deletes what a retired device had in the account: its announcements and roll and, with {@code folderToo},
     * its folder (journal, snapshot, drops). Idempotent: what is gone already is no error. True when
     * something was deleted.
     */
    boolean purge(String deviceId, boolean folderToo) {
        String folder;
        try {
            folder = SmaFolders.deviceFolder(deviceId);
        } catch (SmaFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        boolean deleted = removeAll(deviceId);
        if (folderToo && store.listFolders().contains(folder)) {
            try {
                store.deleteFolder(folder);
                deleted = true;
            } catch (MailStoreException.FolderMissing e) {
                // a sibling retiring the same device deleted it first
            }
        }
        return deleted;
    }

    /**
     * Creates both folders where missing, appends {@code a} unless it is there (same Message-ID),
     * then deletes this device's older announcements. Five commands when the folders exist: LIST,
     * STATUS, FETCH of the headers, APPEND, and the deletion. All of it again after a lost connection
     * or a timeout (a server restarting; {@link Retries#afterLostConnections}): it looks before it appends.
     */
    void publish(Announcement a, OpenPGPKey deviceKey, Clock clock) throws CryptoException {
        String own;
        try {
            own = SmaFolders.deviceFolder(a.deviceId());
        } catch (SmaFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        String messageId = a.header().messageId();
        var message = a.toMessage(deviceKey, crypto, clock);
        Retries.afterLostConnections(attempt -> {
            createMissing(List.of(FOLDER, own));
            long uidValidity = store.status(FOLDER).uidValidity();
            List<StoredMessage> headers = store.fetch(FOLDER, UidRange.all(), Fetch.HEADERS);
            if (headers.stream().noneMatch(m -> m.header("Message-ID").contains(messageId))) store.append(FOLDER, message);
            deleteOlder(headers, uidValidity, a.deviceId(), messageId, h -> h.kind() == SmaHeader.Kind.ANNOUNCE);
            return null;
        });
    }

    /** Deletes every announcement and roll of {@code deviceId} (a device retired, or leaving); true when it deleted any. */
    boolean removeAll(String deviceId) {
        if (!store.listFolders().contains(FOLDER)) return false;
        long uidValidity = store.status(FOLDER).uidValidity();
        return deleteOlder(store.fetch(FOLDER, UidRange.all(), Fetch.HEADERS), uidValidity, deviceId, null,
                h -> h.kind() == SmaHeader.Kind.ANNOUNCE || RetireRoll.isRoll(h));
    }

    /**
     * Makes {@code roll} this device's only roll: appends it unless it is there (same Message-ID), then deletes every
     * other message with a roll's header in this device's name - its older rolls, and what the provider put there in
     * its name. As {@link #publish}, all of it again after a lost connection; it looks before it appends.
     */
    void replaceRoll(RetireRoll roll, OpenPGPKey byKey, List<OpenPGPKey> accountKeys, Clock clock) throws CryptoException {
        String messageId = roll.header().messageId();
        var message = roll.toMessage(byKey, accountKeys, crypto, clock);
        Retries.afterLostConnections(attempt -> {
            createMissing(List.of(FOLDER));
            long uidValidity = store.status(FOLDER).uidValidity();
            List<StoredMessage> headers = store.fetch(FOLDER, UidRange.all(), Fetch.HEADERS);
            if (headers.stream().noneMatch(m -> m.header("Message-ID").contains(messageId))) store.append(FOLDER, message);
            deleteOlder(headers, uidValidity, roll.by(), messageId, RetireRoll::isRoll);
            return null;
        });
    }

    /**
     * Deletes {@code deviceId}'s messages of the kinds {@code which} accepts but {@code keepMessageId} (may be null)
     * among {@code headers}, listed in {@code uidValidity}; true when it deleted any.
     */
    private boolean deleteOlder(List<StoredMessage> headers, long uidValidity, String deviceId, String keepMessageId,
                                java.util.function.Predicate<SmaHeader> which) {
        List<Long> old = new ArrayList<>();
        for (StoredMessage m : headers) {
            try {
                SmaHeader h = SmaMessage.header(m);
                boolean keep = keepMessageId != null && m.header("Message-ID").contains(keepMessageId);
                if (which.test(h) && h.device().equals(deviceId) && !keep) old.add(m.uid());
            } catch (SmaFormatException e) {
                // not ours to judge here; read() counts it
            }
        }
        if (old.isEmpty()) return false;
        try {
            store.delete(FOLDER, old, uidValidity);
        } catch (MailStoreException.UidValidityChanged rebuilt) {
            return false; // the folder was rebuilt since the listing: those UIDs are other messages now; the next clean-up lists again
        }
        return true;
    }
}
