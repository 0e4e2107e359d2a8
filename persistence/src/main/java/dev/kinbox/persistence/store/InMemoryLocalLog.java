package dev.kinbox.persistence.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/** {@link LocalLog} in memory, for tests and the simulator; same contract as {@link LevelDbLocalLog}. */
public final class InMemoryLocalLog implements LocalLog {
    private final Map<String, NavigableMap<Long, byte[]>> events = new HashMap<>();
    private final Map<String, Long> highest = new HashMap<>();
    private final Map<String, ReplicationCursor> cursors = new HashMap<>();
    private final Map<String, NavigableMap<Long, StoredSnapshot>> snapshots = new HashMap<>();

    @Override
    public synchronized void append(String persistenceId, List<LogEntry> entries, Optional<ReplicationCursor> cursor) {
        LevelDbKeys.requireName("persistence id", persistenceId);
        long last = LogChecks.checkBatch(highestSequenceNr(persistenceId), entries, LevelDbLocalLog.MAX_PAYLOAD);
        NavigableMap<Long, byte[]> log = events.computeIfAbsent(persistenceId, k -> new TreeMap<>());
        for (LogEntry e : entries) log.put(e.sequenceNr(), e.payload());
        if (!entries.isEmpty()) highest.put(persistenceId, last);
        cursor.ifPresent(c -> cursors.put(c.source(), c));
    }

    @Override
    public synchronized List<LogEntry> read(String persistenceId, long fromSequenceNr, long toSequenceNr, int max) {
        LevelDbKeys.requireName("persistence id", persistenceId);
        List<LogEntry> out = new ArrayList<>();
        NavigableMap<Long, byte[]> log = events.get(persistenceId);
        if (log == null || max <= 0 || toSequenceNr < Math.max(1, fromSequenceNr)) return out;
        for (Map.Entry<Long, byte[]> e : log.subMap(Math.max(1, fromSequenceNr), true, toSequenceNr, true).entrySet()) {
            if (out.size() >= max) break;
            out.add(new LogEntry(e.getKey(), e.getValue()));
        }
        return out;
    }

    @Override
    public synchronized long highestSequenceNr(String persistenceId) {
        LevelDbKeys.requireName("persistence id", persistenceId);
        return highest.getOrDefault(persistenceId, 0L);
    }

    @Override
    public synchronized void deleteUpTo(String persistenceId, long toSequenceNr) {
        LevelDbKeys.requireName("persistence id", persistenceId);
        NavigableMap<Long, byte[]> log = events.get(persistenceId);
        if (log != null) log.headMap(toSequenceNr, true).clear();
    }

    @Override
    public synchronized void saveCursor(ReplicationCursor cursor) {
        cursors.put(cursor.source(), cursor);
    }

    @Override
    public synchronized Optional<ReplicationCursor> cursor(String source) {
        LevelDbKeys.requireName("source", source);
        return Optional.ofNullable(cursors.get(source));
    }

    @Override
    public synchronized void saveSnapshot(String persistenceId, StoredSnapshot snapshot) {
        LevelDbKeys.requireName("persistence id", persistenceId);
        snapshots.computeIfAbsent(persistenceId, k -> new TreeMap<>()).put(snapshot.sequenceNr(), snapshot);
    }

    @Override
    public synchronized Optional<StoredSnapshot> latestSnapshot(String persistenceId, long maxSequenceNr) {
        LevelDbKeys.requireName("persistence id", persistenceId);
        NavigableMap<Long, StoredSnapshot> s = snapshots.get(persistenceId);
        Map.Entry<Long, StoredSnapshot> e = s == null ? null : s.floorEntry(maxSequenceNr);
        return e == null ? Optional.empty() : Optional.of(e.getValue());
    }

    @Override
    public synchronized void deleteSnapshotsUpTo(String persistenceId, long maxSequenceNr) {
        LevelDbKeys.requireName("persistence id", persistenceId);
        NavigableMap<Long, StoredSnapshot> s = snapshots.get(persistenceId);
        if (s != null) s.headMap(maxSequenceNr, true).clear();
    }

    @Override
    public synchronized void deleteSnapshot(String persistenceId, long sequenceNr) {
        LevelDbKeys.requireName("persistence id", persistenceId);
        NavigableMap<Long, StoredSnapshot> s = snapshots.get(persistenceId);
        if (s != null) s.remove(sequenceNr);
    }

    @Override
    public void close() {
        // nothing to release
    }
}
