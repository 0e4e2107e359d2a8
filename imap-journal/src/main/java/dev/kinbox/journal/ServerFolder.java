package dev.kinbox.journal;

import dev.kinbox.journal.mail.AppendResult;
import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.FolderStatus;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.mail.ServedFetch;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.sma.SmaHeader;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMA folder as the journal sees it: a header-only listing of journal entries and snapshots,
 * append-exactly-once by Message-ID, compaction, full fetches. Messages whose SMA header does not
 * parse are skipped and counted, never fatal.
 */
final class ServerFolder {
    private static final Logger LOG = LoggerFactory.getLogger(ServerFolder.class);

    private final MailStore store;
    private final String name;
    private final JournalStats stats;

    ServerFolder(MailStore store, String name, JournalStats stats) {
        this.store = store;
        this.name = name;
        this.stats = stats;
    }

    String name() { return name; }

    /** A journal entry's header: who wrote events {@code from..to} at which UID. */
    record Entry(long uid, String device, long from, long to) {}

    /** A snapshot message's header. */
    record Snap(long uid, String device, long seq) {}

    /** A nudge's header: {@code device} uploaded and asks the folder's owner to read it. */
    record Nudge(long uid, String device) {}

    /** A deletion mark's header: {@code device} deleted its events up to {@code deleted}. */
    record Mark(long uid, String device, long deleted) {}

    /** Where an appended message landed. */
    record Stored(long uidValidity, long uid) {}

    /**
     * What {@link #list} found from UID {@code first} on: {@code uids} every message's UID (ascending),
     * the highest {@code maxUid} (first - 1 when none); {@code uidNext} the folder's UIDNEXT at the
     * listing (1 for a missing folder); {@code pairingDrops} the UIDs of pairing drops (the MUAA takes
     * and deletes those itself).
     */
    record Listing(long uidValidity, long first, long maxUid, long uidNext, List<Long> uids, List<Entry> journal, List<Snap> snapshots,
                   List<Nudge> nudges, List<Mark> marks, List<Long> pairingDrops) {
        /**
         * The highest UID this listing speaks for: past its last message up to UIDNEXT the folder's UIDs
         * were given to messages since expunged (a nudge taken, an entry compacted) - or, on a server that
         * shows messages late, to one not shown yet, so a reader passes them only as {@link LateUids} says.
         */
        long end() {
            return Math.max(maxUid, uidNext - 1);
        }
    }

    /**
     * The folder's SMA messages past {@code afterUid} (all of them when {@code uidValidity} differs from
     * the folder's); a missing folder lists as empty with UIDVALIDITY 0. For the author's own folder:
     * a header the server refuses to serve fails the listing (its restore or repair must not take the
     * folder for shorter than it is).
     */
    Listing list(long uidValidity, long afterUid) {
        return list(uidValidity, afterUid, null);
    }

    /**
     * As {@link #list}, for a reader: a message whose header the server refuses to serve is left out
     * ({@link ServedFetch}), a hole in the listing like a message not shown yet ({@link LateUids}),
     * so one message refused for good does not stop every listing at the reader's position.
     */
    Listing listServed(long uidValidity, long afterUid) {
        return listServed(uidValidity, afterUid, uid -> { });
    }

    /** As {@link #listServed(long, long)}, telling {@code refused} each UID left out. */
    Listing listServed(long uidValidity, long afterUid, java.util.function.LongConsumer refused) {
        return list(uidValidity, afterUid, refused);
    }

    /** {@code refused}: null for a strict listing, else told each UID a served listing leaves out. */
    private Listing list(long uidValidity, long afterUid, java.util.function.LongConsumer refused) {
        FolderStatus st;
        try {
            st = store.status(name);
        } catch (MailStoreException.FolderMissing e) {
            return new Listing(0, 1, 0, 1, List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
        }
        long first = st.uidValidity() == uidValidity ? afterUid + 1 : 1;
        if (st.messages() == 0 || first >= st.uidNext()) { // nothing at or past `first`: no FETCH (STATUS is synced, MailStore#status)
            return new Listing(st.uidValidity(), first, first - 1, st.uidNext(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
        }
        List<Entry> journal = new ArrayList<>();
        List<Snap> snaps = new ArrayList<>();
        List<Nudge> nudges = new ArrayList<>();
        List<Mark> marks = new ArrayList<>();
        List<Long> pairingDrops = new ArrayList<>();
        long maxUid = first - 1;
        List<Long> uids = new ArrayList<>();
        UidRange range = UidRange.from(first);
        for (StoredMessage m : refused != null ? ServedFetch.fetch(store, name, range, Fetch.HEADERS, refused) : store.fetch(name, range, Fetch.HEADERS)) {
            if (m.uid() < first) continue; // "n:*" also returns the newest message when n is past it
            maxUid = Math.max(maxUid, m.uid());
            uids.add(m.uid());
            if (m.vanished()) continue; // expunged by another session during the fetch (StoredMessage#vanished)
            try {
                SmaHeader h = SmaMail.header(m);
                switch (h.kind()) {
                    case JOURNAL -> {
                        if (isMark(h)) marks.add(new Mark(m.uid(), h.device(), SmaMail.number(h, DELETED)));
                        else journal.add(new Entry(m.uid(), h.device(), SmaMail.number(h, "from"), SmaMail.number(h, "to")));
                    }
                    case SNAPSHOT -> snaps.add(new Snap(m.uid(), h.device(), SmaMail.number(h, "seq")));
                    case DROP -> {
                        String type = h.attributes().get("type");
                        if ("nudge".equals(type)) nudges.add(new Nudge(m.uid(), h.device()));
                        else if ("pair".equals(type)) pairingDrops.add(m.uid());
                    }
                    default -> { }
                }
            } catch (JournalException.Malformed e) {
                stats.malformed.increment();
                LOG.warn("skipping message in {}: {}", name, e.getMessage());
            }
        }
        uids.sort(null);
        return new Listing(st.uidValidity(), first, maxUid, st.uidNext(), List.copyOf(uids), journal, snaps, nudges, marks, pairingDrops);
    }

    /**
     * Appends {@code m} so that it is on the server exactly once: after a timeout or lost connection
     * it looks for {@code messageId} before trying again (at most {@code attempts} APPENDs). A folder
     * that is gone is created again when {@code create} says so (asked only then); else the
     * {@link MailStoreException.FolderMissing} is thrown (the folder of a retired device is its siblings'
     * to delete, and one whose device may have been retired waits for the word: {@link FolderDoubt}).
     */
    Stored appendOnce(NewMessage m, String messageId, int attempts, java.util.function.BooleanSupplier create, java.util.function.LongPredicate ours) {
        MailStoreException last = null;
        for (int i = 0; i < attempts; i++) {
            try {
                if (last != null) {
                    Stored found = find(messageId, ours);
                    if (found != null) return found;
                }
                AppendResult r = store.append(name, List.of(m));
                long uid = r.uids().get(0);
                if (uid == 0) {
                    Stored found = find(messageId, ours);
                    if (found != null) return found;
                }
                return new Stored(r.uidValidity(), uid);
            } catch (MailStoreException.Timeout | MailStoreException.ConnectionLost e) {
                last = e;
            } catch (MailStoreException.FolderMissing e) {
                if (!create.getAsBoolean()) throw e;
                store.createFolder(name);
                last = null;
                if (i == attempts - 1) throw e;
            }
        }
        throw last;
    }

    /** As {@link #appendOnce}, but looks for the Message-ID first (for messages a failed run may have stored). */
    Stored appendIfAbsent(NewMessage m, String messageId, int attempts, java.util.function.BooleanSupplier create, java.util.function.LongPredicate ours) {
        try {
            Stored found = find(messageId, ours);
            if (found != null) return found;
        } catch (MailStoreException.FolderMissing e) {
            // appendOnce creates it, or throws
        }
        return appendOnce(m, messageId, attempts, create, ours);
    }

    /**
     * The newest message with {@code messageId} that {@code ours} accepts (opened and verified as the
     * writer's own), or null. Message-IDs are deterministic, so anyone can plant one: a message is
     * never taken as ours on its Message-ID alone.
     */
    private Stored find(String messageId, java.util.function.LongPredicate ours) {
        List<Long> uids = store.search(name, "Message-ID", messageId);
        for (int i = uids.size() - 1; i >= 0; i--) {
            if (ours.test(uids.get(i))) return new Stored(store.status(name).uidValidity(), uids.get(i));
        }
        return null;
    }

    /** Deletes our journal entries with {@code to <= seq} and our snapshots older than {@code seq}; returns how many. */
    int compact(long seq, String device) {
        Listing l = list(-1, 0);
        List<Long> doomed = new ArrayList<>();
        for (Entry e : l.journal()) if (e.device().equals(device) && e.to() <= seq) doomed.add(e.uid());
        for (Snap s : l.snapshots()) if (s.device().equals(device) && s.seq() < seq) doomed.add(s.uid());
        if (!doomed.isEmpty()) store.delete(name, doomed, l.uidValidity()); // not in a folder rebuilt since the listing
        return doomed.size();
    }

    /**
     * After the deletion mark up to {@code deleted} is on the server: deletes our journal entries with
     * {@code to <= deleted} and our older marks (an entry that straddles the mark stays; restore skips
     * its deleted part). Returns how many messages went.
     */
    int dropDeleted(long deleted, String device) {
        Listing l = list(-1, 0);
        List<Long> doomed = new ArrayList<>();
        for (Entry e : l.journal()) if (e.device().equals(device) && e.to() <= deleted) doomed.add(e.uid());
        for (Mark k : l.marks()) if (k.device().equals(device) && k.deleted() < deleted) doomed.add(k.uid());
        if (!doomed.isEmpty()) store.delete(name, doomed, l.uidValidity());
        return doomed.size();
    }


    /** The header attribute of a deletion mark. */
    static final String DELETED = "deleted";

    /** A {@code kind=journal} header is a deletion mark when it carries {@code deleted} (and then no {@code from}/{@code to}). */
    static boolean isMark(SmaHeader h) {
        if (!h.attributes().containsKey(DELETED)) return false;
        if (h.attributes().containsKey("from") || h.attributes().containsKey("to")) {
            throw new JournalException.Malformed("journal header has both 'deleted' and 'from'/'to'");
        }
        return true;
    }

    /**
     * True when {@code m}, fetched by UID after a listing, is still the journal entry listed as {@code e}:
     * a folder rebuilt in between (a server restored from a backup: a new UIDVALIDITY, its messages
     * renumbered) gives that UID to another message. A copy of the same entry (a replay) counts as it.
     */
    static boolean stillListed(StoredMessage m, Entry e) {
        try {
            SmaHeader h = SmaMail.header(m);
            return h.kind() == SmaHeader.Kind.JOURNAL && !isMark(h) && h.device().equals(e.device()) && SmaMail.number(h, "from") == e.from()
                    && SmaMail.number(h, "to") == e.to();
        } catch (JournalException.Malformed other) {
            return false; // the listed message parsed: this is another one
        }
    }

    /** As {@link #stillListed(StoredMessage, Entry)}, for a snapshot listed as {@code s}. */
    static boolean stillListed(StoredMessage m, Snap s) {
        try {
            SmaHeader h = SmaMail.header(m);
            return h.kind() == SmaHeader.Kind.SNAPSHOT && h.device().equals(s.device()) && SmaMail.number(h, "seq") == s.seq();
        } catch (JournalException.Malformed other) {
            return false;
        }
    }

    /**
     * Full messages with the given UIDs (ascending), fetched in as few commands as the gaps allow. One
     * expunged since the listing may come back blank ({@link StoredMessage#vanished}): it is not
     * returned, so the next listing decides (the entry again, or the snapshot that compacted it away).
     * Until 2026-12-03 (a CI run on Dovecot) a reader took a newcomer's entry that came back so for a
     * malformed one and passed over it for good.
     */
    List<StoredMessage> fetchFull(List<Long> uids, int maxPerFetch) {
        return fetchFull(uids, maxPerFetch, null);
    }

    /** {@code refused}: null for a strict fetch, else told each UID a served fetch leaves out. */
    private List<StoredMessage> fetchFull(List<Long> uids, int maxPerFetch, java.util.function.LongConsumer refused) {
        List<StoredMessage> out = new ArrayList<>();
        List<Long> sorted = uids.stream().sorted().toList();
        int i = 0;
        while (i < sorted.size()) {
            int j = Math.min(sorted.size(), i + maxPerFetch);
            long lo = sorted.get(i), hi = sorted.get(j - 1);
            java.util.Set<Long> want = new java.util.HashSet<>(sorted.subList(i, j));
            UidRange range = new UidRange(lo, hi);
            List<StoredMessage> got = refused != null ? ServedFetch.fetch(store, name, range, Fetch.FULL, refused) : store.fetch(name, range, Fetch.FULL);
            for (StoredMessage m : got) if (want.contains(m.uid()) && !m.vanished()) out.add(m);
            i = j;
        }
        return out;
    }

    /**
     * As {@link #fetchFull}, for a reader that must not stall on one message: a message the server
     * refuses to serve is left out ({@link ServedFetch}) - as one it lists but never serves, the
     * reader lists again and finally reads on without it: a gap, which the author's next snapshot
     * heals. A lost connection or a timeout still fails the whole call (the step is retried from the
     * same position).
     */
    List<StoredMessage> fetchServed(List<Long> uids, int maxPerFetch, java.util.function.LongConsumer refused) {
        return fetchFull(uids, maxPerFetch, refused);
    }

    /** Creates the folder (no error if it exists). */
    void create() {
        store.createFolder(name);
    }

    /**
     * Deletes {@code uids}, listed in {@code uidValidity}: {@link MailStoreException.UidValidityChanged} and
     * nothing deleted when the folder was rebuilt since (its UIDs name other messages then; list again).
     */
    void delete(List<Long> uids, long uidValidity) {
        if (!uids.isEmpty()) store.delete(name, uids, uidValidity);
    }
}
