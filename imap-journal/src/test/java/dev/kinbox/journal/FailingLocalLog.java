package dev.kinbox.journal;

import dev.kinbox.persistence.store.InMemoryLocalLog;
import dev.kinbox.persistence.store.LocalLog;
import dev.kinbox.persistence.store.LogEntry;
import dev.kinbox.persistence.store.ReplicationCursor;
import dev.kinbox.persistence.store.StoreException;
import dev.kinbox.persistence.store.StoredSnapshot;
import java.util.List;
import java.util.Optional;

/** An in-memory local log whose appends fail while {@link #failing} is set (a full or broken disk). */
final class FailingLocalLog implements LocalLog {
    private final InMemoryLocalLog log = new InMemoryLocalLog();
    volatile boolean failing;

    @Override public void append(String pid, List<LogEntry> entries, Optional<ReplicationCursor> cursor) {
        if (failing) throw new StoreException("disk full (test)");
        log.append(pid, entries, cursor);
    }
    @Override public List<LogEntry> read(String pid, long from, long to, int max) { return log.read(pid, from, to, max); }
    @Override public long highestSequenceNr(String pid) { return log.highestSequenceNr(pid); }
    @Override public void deleteUpTo(String pid, long to) { log.deleteUpTo(pid, to); }
    @Override public void saveCursor(ReplicationCursor c) { log.saveCursor(c); }
    @Override public Optional<ReplicationCursor> cursor(String source) { return log.cursor(source); }
    @Override public void saveSnapshot(String pid, StoredSnapshot s) { log.saveSnapshot(pid, s); }
    @Override public Optional<StoredSnapshot> latestSnapshot(String pid, long max) { return log.latestSnapshot(pid, max); }
    @Override public void deleteSnapshotsUpTo(String pid, long max) { log.deleteSnapshotsUpTo(pid, max); }
    @Override public void deleteSnapshot(String pid, long seq) { log.deleteSnapshot(pid, seq); }
    @Override public void close() { log.close(); }
}
