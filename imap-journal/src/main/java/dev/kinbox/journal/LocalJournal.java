package dev.kinbox.journal;

import dev.kinbox.journal.EntryCodec.StoredEvent;
import dev.kinbox.persistence.store.LocalLog;
import dev.kinbox.persistence.store.LogEntry;
import dev.kinbox.persistence.store.ReplicationCursor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The journal's local tier over {@link LocalLog}: atomic writes with the Pekko rejection contract,
 * replay that honours deletions, a highest sequence number that never goes back. Blocking; called on
 * the runtime's blocking executor.
 */
final class LocalJournal {
    private final LocalLog log;
    private final PayloadSerde serde;

    LocalJournal(LocalLog log, PayloadSerde serde) {
        this.log = log;
        this.serde = serde;
    }

    /**
     * Writes each AtomicWrite as one local append. A write whose payloads cannot be serialized is
     * rejected (its slot holds the exception, nothing stored); a store failure throws (the whole call
     * fails, as Pekko requires). Returns one result per write, in order.
     */
    List<Optional<Exception>> write(Iterable<AtomicWrite> writes, Consumer<String> written) {
        List<Optional<Exception>> results = new ArrayList<>();
        for (AtomicWrite w : writes) {
            List<PersistentRepr> reprs = CollectionConverters.asJava(w.payload());
            List<LogEntry> entries = new ArrayList<>(reprs.size());
            Exception rejected = null;
            long own = 0;
            for (int i = 0; i < reprs.size() && rejected == null; i++) {
                try {
                    StoredEvent e = serde.toStored(reprs.get(i), i == reprs.size() - 1);
                    entries.add(new LogEntry(e.seq(), EntryCodec.encode(e)));
                    if (!e.local()) own = e.seq();
                } catch (Exception e) {
                    rejected = e;
                }
            }
            if (rejected != null) {
                results.add(Optional.of(rejected));
                continue;
            }
            // with the events, atomically: the highest that may need an upload (before the first write that
            // saved it, every earlier event counts as one to upload)
            String pid = w.persistenceId();
            long before = log.cursor(Cursors.ownHighest(pid)).map(ReplicationCursor::lastSequenceNr)
                    .orElse(entries.isEmpty() ? 0 : entries.get(0).sequenceNr() - 1);
            log.append(pid, entries, Optional.of(new ReplicationCursor(Cursors.ownHighest(pid), 0, 0, Math.max(before, own))));
            results.add(Optional.empty());
            written.accept(w.persistenceId());
        }
        return results;
    }

    /** Replays stored events in range, skipping deleted ones, at most {@code max}. */
    void replay(String pid, long from, long to, long max, Consumer<PersistentRepr> callback) {
        long start = Math.max(from, Cursors.seq(log, Cursors.deleted(pid)) + 1);
        long left = max;
        while (left > 0 && start <= to) {
            List<LogEntry> page = log.read(pid, start, to, (int) Math.min(left, 1000));
            if (page.isEmpty()) return;
            for (LogEntry e : page) callback.accept(serde.toRepr(pid, EntryCodec.decode(e.payload(), StoredEvent.class)));
            left -= page.size();
            start = page.get(page.size() - 1).sequenceNr() + 1;
        }
    }

    /** The highest sequence number ever written or restored (never lower after deletion or restore). */
    long highest(String pid) {
        return Math.max(log.highestSequenceNr(pid), Math.max(Cursors.seq(log, Cursors.upload(pid)),
                Cursors.seq(log, Cursors.deleted(pid))));
    }

    /**
     * Marks events up to {@code to} deleted; drops the local copies now where the server copy is
     * confirmed, the rest once the uploader confirms them. The uploader then carries the mark to the
     * server ({@code Uploader.uploadDeletion}). Returns the deletion mark now in force.
     */
    long delete(String pid, long to) {
        long upTo = Math.min(to, highest(pid));
        long marked = Cursors.seq(log, Cursors.deleted(pid));
        if (upTo > marked) Cursors.saveSeq(log, Cursors.deleted(pid), upTo);
        dropConfirmed(pid);
        return Math.max(upTo, marked);
    }

    /** Deletes local copies that are both deleted by Pekko and confirmed on the server. */
    void dropConfirmed(String pid) {
        long n = Math.min(Cursors.seq(log, Cursors.deleted(pid)), Cursors.seq(log, Cursors.upload(pid)));
        if (n > 0) log.deleteUpTo(pid, n);
    }
}
