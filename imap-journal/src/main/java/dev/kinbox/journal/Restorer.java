package dev.kinbox.journal;

import dev.kinbox.journal.EntryCodec.JournalBody;
import dev.kinbox.journal.EntryCodec.SnapshotBody;
import dev.kinbox.journal.EntryCodec.StoredEvent;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.persistence.store.LocalLog;
import dev.kinbox.persistence.store.LogEntry;
import dev.kinbox.persistence.store.ReplicationCursor;
import dev.kinbox.persistence.store.StoredSnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills an empty local log from the server (new install, restore): the newest snapshot of ours, then
 * our journal entries after it, each verified and decrypted, skipping events up to our newest
 * verified deletion mark ({@code kind=journal; deleted=n}: Pekko deleted them); the upload cursor is set to what the
 * server holds (at least the mark), so the highest sequence number after a restore is never lower than before. Runs at
 * most once per persistence id and runtime, and only when the local log knows nothing of the id.
 */
final class Restorer {
    private static final Logger LOG = LoggerFactory.getLogger(Restorer.class);

    private final LocalLog log;
    private final Sealer sealer;
    private final Function<String, ServerFolder> folders;
    private final JournalStats stats;
    private final int maxFetch;
    private final Set<String> done = ConcurrentHashMap.newKeySet();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    Restorer(LocalLog log, Sealer sealer, Function<String, ServerFolder> folders, JournalStats stats, int maxFetch) {
        this.log = log;
        this.sealer = sealer;
        this.folders = folders;
        this.stats = stats;
        this.maxFetch = maxFetch;
    }

    /** Restores {@code pid} from the server if the local log has nothing of it; idempotent. */
    void ensureRestored(String pid) {
        if (done.contains(pid)) return;
        synchronized (locks.computeIfAbsent(pid, k -> new Object())) {
            if (done.contains(pid)) return;
            if (log.highestSequenceNr(pid) == 0 && log.cursor(Cursors.upload(pid)).isEmpty()
                    && log.latestSnapshot(pid, Long.MAX_VALUE).isEmpty()) {
                try {
                    restore(pid);
                } catch (MailStoreException e) {
                    throw new JournalException.RestoreFailed("nothing local for " + pid + " and the server cannot be read: " + e.getMessage(), e);
                }
            }
            done.add(pid);
        }
    }

    private void restore(String pid) {
        ServerFolder folder = folders.apply(pid);
        ServerFolder.Listing l = folder.list(-1, 0);
        if (l.uidValidity() == 0) return;
        String me = sealer.keyring().deviceId();
        long snapSeq = 0;
        long maxUid = 0;
        // newest first, until one opens: a message planted in our name (any number, any Message-ID) is skipped
        List<ServerFolder.Snap> snaps = l.snapshots().stream().filter(s -> s.device().equals(me))
                .sorted(Comparator.comparingLong(ServerFolder.Snap::seq).thenComparingLong(ServerFolder.Snap::uid).reversed()).toList();
        for (ServerFolder.Snap candidate : snaps) {
            for (StoredMessage m : folder.fetchFull(List.of(candidate.uid()), 1)) {
                try {
                    SnapshotBody b = EntryCodec.decode(open(m), SnapshotBody.class);
                    if (!b.pid().equals(pid) || b.seq() != candidate.seq()) throw new JournalException.Malformed("snapshot for another id or number");
                    log.saveSnapshot(pid, new StoredSnapshot(b.seq(), b.timestamp(), EntryCodec.encode(b)));
                    snapSeq = b.seq();
                    maxUid = m.uid();
                } catch (JournalException e) {
                    skip(folder, m, e);
                }
            }
            if (snapSeq > 0) break;
        }
        long mark = 0;
        List<ServerFolder.Mark> marks = l.marks().stream().filter(k -> k.device().equals(me))
                .sorted(Comparator.comparingLong(ServerFolder.Mark::deleted).reversed()).toList();
        for (StoredMessage m : folder.fetchFull(marks.stream().map(ServerFolder.Mark::uid).toList(), maxFetch)) {
            try {
                EntryCodec.DeletionBody b = EntryCodec.decode(open(m), EntryCodec.DeletionBody.class);
                long n = SmaMail.number(SmaMail.header(m), ServerFolder.DELETED);
                if (b.v() != EntryCodec.VERSION || !pid.equals(b.pid()) || !me.equals(b.device()) || b.deleted() != n) {
                    throw new JournalException.Malformed("deletion mark does not match its header or folder");
                }
                mark = Math.max(mark, n);
                maxUid = Math.max(maxUid, m.uid());
            } catch (JournalException e) {
                skip(folder, m, e);
            }
        }
        List<ServerFolder.Entry> entries = l.journal().stream().filter(e -> e.device().equals(me) && e.to() > 0)
                .sorted(Comparator.comparingLong(ServerFolder.Entry::from)).toList();
        long last = 0;
        long floor = Math.max(snapSeq, mark);
        List<Long> uids = entries.stream().filter(e -> e.to() > floor).map(ServerFolder.Entry::uid).toList();
        List<StoredMessage> full = new ArrayList<>(folder.fetchFull(uids, maxFetch));
        List<JournalBody> bodies = new ArrayList<>();
        for (StoredMessage m : full) {
            try {
                JournalBody b = EntryCodec.checked(EntryCodec.decode(open(m), JournalBody.class));
                if (!b.pid().equals(pid)) throw new JournalException.Malformed("entry for another persistence id");
                bodies.add(b);
                maxUid = Math.max(maxUid, m.uid());
            } catch (JournalException e) {
                skip(folder, m, e);
            }
        }
        bodies.sort(Comparator.comparingLong(JournalBody::from));
        for (JournalBody b : bodies) {
            long base = Math.max(last, floor);
            if (b.to() <= base) continue;
            List<LogEntry> add = new ArrayList<>();
            for (StoredEvent e : b.events()) if (e.seq() > base) add.add(new LogEntry(e.seq(), EntryCodec.encode(e)));
            appendRuns(pid, add);
            last = b.to(); // the entry covers from..to, also where it holds no event (v2: the author's local-only ones)
            stats.restoredEvents.add(add.size());
        }
        long top = Math.max(last, floor);
        if (top > 0) {
            log.saveCursor(new ReplicationCursor(Cursors.upload(pid), l.uidValidity(), maxUid, top));
            if (snapSeq > 0) Cursors.saveSeq(log, Cursors.snapshot(pid), snapSeq);
            if (mark > 0) {
                Cursors.saveSeq(log, Cursors.deleted(pid), mark);
                Cursors.saveSeq(log, Cursors.serverDeleted(pid), mark);
            }
            LOG.info("restored {} from the server up to {} (snapshot {}, deleted up to {})", pid, top, snapSeq, mark);
        }
    }

    // the local log takes consecutive batches (a gap between two is fine): a v2 entry may skip numbers
    private void appendRuns(String pid, List<LogEntry> entries) {
        int start = 0;
        for (int i = 1; i <= entries.size(); i++) {
            if (i == entries.size() || entries.get(i).sequenceNr() != entries.get(i - 1).sequenceNr() + 1) {
                log.append(pid, entries.subList(start, i), Optional.empty());
                start = i;
            }
        }
    }

    private byte[] open(StoredMessage m) {
        SmaMail.Parsed p = SmaMail.parse(m, EntryCodec.MAX_BODY);
        return sealer.open(p.body(), p.header().device());
    }

    private void skip(ServerFolder folder, StoredMessage m, JournalException e) {
        if (e instanceof JournalException.Untrusted) stats.untrusted.increment();
        else stats.malformed.increment();
        LOG.warn("restore skips uid {} in {}: {}", m.uid(), folder.name(), e.getMessage());
    }
}
