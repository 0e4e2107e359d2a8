package dev.kinbox.persistence.store;

import java.util.List;
import java.util.Optional;

/**
 * The device-local event log, the journal's local tier: events per persistence id by sequence
 * number, replication cursors per source, and snapshots. Every write is atomic: a batch with its
 * cursor is stored entirely or not at all, also across a crash. Thread-safe.
 *
 * <p>Implementations: {@link LevelDbLocalLog} (on disk) and {@link InMemoryLocalLog} (tests and
 * the simulator); both pass the same contract test.
 */
public interface LocalLog extends AutoCloseable {
    /**
     * Appends a batch to {@code persistenceId} and, if given, saves {@code cursor} in the same
     * atomic write. Sequence numbers must be consecutive and start above
     * {@link #highestSequenceNr} (a gap from earlier is allowed: compaction elsewhere).
     *
     * @throws StoreException on a sequence number that does not move forward, or an I/O failure
     */
    void append(String persistenceId, List<LogEntry> entries, Optional<ReplicationCursor> cursor);

    /** Entries with {@code from <= sequenceNr <= to}, ascending, at most {@code max}. */
    List<LogEntry> read(String persistenceId, long fromSequenceNr, long toSequenceNr, int max);

    /** The highest sequence number ever appended (0 if none); deleting never lowers it. */
    long highestSequenceNr(String persistenceId);

    /** Deletes entries up to and including {@code toSequenceNr}; the highest number stays. */
    void deleteUpTo(String persistenceId, long toSequenceNr);

    /** Saves a cursor on its own (a source that brought nothing new). */
    void saveCursor(ReplicationCursor cursor);

    /** The last saved cursor of {@code source}. */
    Optional<ReplicationCursor> cursor(String source);

    /** Saves a snapshot (replacing one at the same sequence number). */
    void saveSnapshot(String persistenceId, StoredSnapshot snapshot);

    /** The snapshot with the highest sequence number {@code <= maxSequenceNr}. */
    Optional<StoredSnapshot> latestSnapshot(String persistenceId, long maxSequenceNr);

    /** Deletes snapshots with sequence numbers {@code <= maxSequenceNr}. */
    void deleteSnapshotsUpTo(String persistenceId, long maxSequenceNr);

    /** Deletes the one snapshot at {@code sequenceNr}, if there is one; others stay. */
    void deleteSnapshot(String persistenceId, long sequenceNr);

    @Override
    void close();
}
