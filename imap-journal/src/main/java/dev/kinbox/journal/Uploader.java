package dev.kinbox.journal;

import dev.kinbox.journal.EntryCodec.JournalBody;
import dev.kinbox.journal.EntryCodec.StoredEvent;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.sma.SmaHeader;
import dev.kinbox.persistence.store.LogEntry;
import dev.kinbox.persistence.store.ReplicationCursor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves one persistence id's locally stored events to its SMA folder, in order, one run at a time:
 * journal entry messages (size-capped, cut at AtomicWrite boundaries where possible), then the newest
 * local snapshot and compaction ({@link ServerFolder}). Never blocks the write path: {@link #kick}
 * only schedules a run. A failed run backs off (doubling, capped) and retries; an uncertain APPEND is
 * looked up by Message-ID before it is retried, so nothing is stored twice; the upload cursor moves
 * only after the server copy is confirmed.
 */
final class Uploader {
    private static final Logger LOG = LoggerFactory.getLogger(Uploader.class);

    private final String pid;
    private final Runtime rt;
    private final ServerFolder folder;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean dirty;
    private volatile boolean reconciled;
    private Duration backoff;

    /** What the uploader needs from the runtime. */
    interface Runtime {
        dev.kinbox.persistence.store.LocalLog log();
        Sealer sealer();
        JournalSettings settings();
        java.time.Clock clock();
        java.util.concurrent.Executor executor();
        void schedule(Duration delay, Runnable task);
        JournalStats stats();
        ServerFolder folder(String pid);
        void nudgeSiblings(long seq);
        void uploaded(String pid, long seq);
        boolean closed();
    }

    Uploader(String pid, Runtime rt) {
        this.pid = pid;
        this.rt = rt;
        this.folder = rt.folder(pid);
        this.backoff = rt.settings().upload().backoffMin();
    }

    /** Schedules a run (coalesced with one that is running). */
    void kick() {
        dirty = true;
        if (running.compareAndSet(false, true)) rt.executor().execute(this::run);
    }

    /** True when everything stored locally (events and newest snapshot) is confirmed on the server. */
    boolean idle() {
        var log = rt.log();
        long uploaded = Cursors.seq(log, Cursors.upload(pid));
        long snap = log.latestSnapshot(pid, Long.MAX_VALUE).map(s -> s.sequenceNr()).orElse(0L);
        return !dirty && !running.get() && uploaded >= log.highestSequenceNr(pid) && Cursors.seq(log, Cursors.snapshot(pid)) >= snap;
    }

    private void run() {
        if (rt.closed()) {
            running.set(false);
            return;
        }
        try {
            boolean nudge = false;
            do {
                dirty = false;
                if (!reconciled) {
                    reconcile();
                    reconciled = true;
                }
                while (!rt.closed() && uploadOne()) nudge = true;
                if (!rt.closed()) uploadSnapshot();
            } while (dirty && !rt.closed());
            backoff = rt.settings().upload().backoffMin();
            if (nudge) rt.nudgeSiblings(Cursors.seq(rt.log(), Cursors.upload(pid)));
            running.set(false);
            if (dirty) kick();
        } catch (RuntimeException e) {
            if (rt.closed()) {
                running.set(false);
                return;
            }
            rt.stats().uploadFailures.increment();
            Duration delay = backoff;
            backoff = min(backoff.multipliedBy(2).plusMillis(1), rt.settings().upload().backoffMax());
            if (e instanceof MailStoreException.FolderMissing || e instanceof MailStoreException.ConnectionLost) reconciled = false;
            LOG.debug("upload of {} failed ({}); retrying in {}", pid, e.toString(), delay);
            rt.schedule(delay, () -> {
                running.set(false);
                kick();
            });
        }
    }

    /** After a restart or reconnect: adopt entries of ours the server holds past the cursor (a crash after APPEND). */
    private void reconcile() {
        ReplicationCursor c = Cursors.get(rt.log(), Cursors.upload(pid)).orElse(new ReplicationCursor(Cursors.upload(pid), 0, 0, 0));
        ServerFolder.Listing l = folder.list(c.uidValidity() == 0 ? 0 : c.uidValidity(), c.lastUid());
        if (l.uidValidity() == 0) {
            folder.create();
            l = folder.list(0, 0);
        }
        long seq = c.lastSequenceNr();
        long uid = c.lastUid();
        for (ServerFolder.Entry e : l.journal()) {
            if (e.from() <= seq + 1 && e.to() > seq) {
                seq = e.to();
                uid = Math.max(uid, e.uid());
            }
        }
        long highest = rt.log().highestSequenceNr(pid);
        seq = Math.min(seq, Math.max(highest, c.lastSequenceNr()));
        if (seq != c.lastSequenceNr() || l.uidValidity() != c.uidValidity()) {
            rt.log().saveCursor(new ReplicationCursor(Cursors.upload(pid), l.uidValidity(), uid, seq));
        }
    }

    /** Uploads the next message's worth of events; false when there is nothing left. */
    private boolean uploadOne() {
        var log = rt.log();
        ReplicationCursor c = Cursors.get(log, Cursors.upload(pid)).orElse(new ReplicationCursor(Cursors.upload(pid), 0, 0, 0));
        long highest = log.highestSequenceNr(pid);
        if (c.lastSequenceNr() >= highest) return false;
        var limits = rt.settings().upload();
        List<LogEntry> page = log.read(pid, c.lastSequenceNr() + 1, highest, limits.maxEventsPerMessage());
        if (page.isEmpty()) {
            // Everything above the cursor was deleted locally before upload: nothing to send.
            log.saveCursor(new ReplicationCursor(c.source(), c.uidValidity(), c.lastUid(), highest));
            return false;
        }
        List<StoredEvent> events = new ArrayList<>(page.size());
        int cut = 0;
        long bytes = 0;
        for (LogEntry e : page) {
            if (!events.isEmpty() && bytes + e.payload().length > limits.maxBytesPerMessage()) break;
            StoredEvent se = EntryCodec.decode(e.payload(), StoredEvent.class);
            events.add(se);
            bytes += e.payload().length;
            if (se.batchEnd()) cut = events.size();
        }
        boolean fullPage = events.size() < page.size() || page.size() == limits.maxEventsPerMessage();
        if (fullPage && cut > 0) events = events.subList(0, cut);
        long from = events.get(0).seq();
        long to = events.get(events.size() - 1).seq();
        long deleted = Cursors.seq(log, Cursors.deleted(pid));
        byte[] body = EntryCodec.encode(new JournalBody(EntryCodec.VERSION, pid, rt.sealer().keyring().deviceId(), from, to, List.copyOf(events)));
        SmaHeader h = SmaHeader.of(SmaHeader.Kind.JOURNAL, rt.sealer().keyring().deviceId(),
                Map.of("from", Long.toString(from), "to", Long.toString(to)));
        NewMessage m = SmaMail.build(h, rt.sealer().seal(body), rt.clock());
        ServerFolder.Stored s = folder.appendOnce(m, h.messageId(), limits.maxRetriesPerAttempt());
        log.saveCursor(new ReplicationCursor(c.source(), s.uidValidity(), Math.max(s.uid(), c.lastUid()), to));
        rt.stats().uploadedMessages.increment();
        rt.stats().uploadedEvents.add(events.size());
        if (deleted > 0) log.deleteUpTo(pid, Math.min(deleted, to));
        rt.uploaded(pid, to);
        return true;
    }

    /** Uploads the newest local snapshot if the server lacks it, then compacts. */
    private void uploadSnapshot() {
        var log = rt.log();
        var snap = log.latestSnapshot(pid, Long.MAX_VALUE);
        if (snap.isEmpty()) return;
        long seq = snap.get().sequenceNr();
        if (Cursors.seq(log, Cursors.snapshot(pid)) >= seq) return;
        if (Cursors.seq(log, Cursors.upload(pid)) < Math.min(seq, log.highestSequenceNr(pid))) return; // events first
        SmaHeader h = SmaHeader.of(SmaHeader.Kind.SNAPSHOT, rt.sealer().keyring().deviceId(), Map.of("seq", Long.toString(seq)));
        NewMessage m = SmaMail.build(h, rt.sealer().seal(snap.get().payload()), rt.clock());
        folder.appendIfAbsent(m, h.messageId(), rt.settings().upload().maxRetriesPerAttempt());
        if (rt.settings().compact()) rt.stats().compactedMessages.add(folder.compact(seq, rt.sealer().keyring().deviceId()));
        Cursors.saveSeq(log, Cursors.snapshot(pid), seq); // after compaction: a failed run redoes both
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
