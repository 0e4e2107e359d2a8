package dev.kinbox.journal;

import dev.kinbox.persistence.store.LocalLog;
import dev.kinbox.persistence.store.ReplicationCursor;
import java.util.Optional;

/**
 * The journal's bookkeeping in the local log's cursor table, per persistence id: how far the server
 * copy is confirmed ({@code upload}), the last snapshot on the server ({@code snapshot}), Pekko
 * deletions ({@code deleted}) and how far they are carried out on the server ({@code serverDeleted},
 * {@code snapshotDeletion}), and how far a query read a sibling ({@code query}); and per device
 * whether it was retired ({@code retired}).
 */
final class Cursors {
    private Cursors() {}

    static String upload(String pid) { return "kinbox.upload|" + pid; }
    static String snapshot(String pid) { return "kinbox.snapshot|" + pid; }
    static String deleted(String pid) { return "kinbox.deleted|" + pid; }
    /** How far the deletion mark on the server goes (the uploader carries {@code deleted} there). */
    static String serverDeleted(String pid) { return "kinbox.deleted.server|" + pid; }
    /** Counts Pekko snapshot deletions; above {@code snapshotDeletionDone} the server may still hold deleted snapshots. */
    static String snapshotDeletion(String pid) { return "kinbox.snapshot.deleted|" + pid; }
    /** The last {@code snapshotDeletion} value the uploader carried out on the server. */
    static String snapshotDeletionDone(String pid) { return "kinbox.snapshot.deleted.server|" + pid; }
    static String query(String pid) { return "kinbox.query|" + pid; }
    /** Set (to 1) once the device was retired from its account ({@link DeviceHost#retire}): per device, not per persistence id. */
    static String retired(String deviceId) { return "kinbox.retired|" + deviceId; }
    /**
     * The highest sequence number that may hold an event to upload (not local-only), saved with every
     * write; absent for logs written before it existed, read then as the highest of all.
     */
    static String ownHighest(String pid) { return "kinbox.own|" + pid; }

    /** {@link #ownHighest}, or the log's highest sequence number without one. */
    static long ownHighest(LocalLog log, String pid) {
        return log.cursor(ownHighest(pid)).map(ReplicationCursor::lastSequenceNr).orElseGet(() -> log.highestSequenceNr(pid));
    }

    /** The cursor's last sequence number, 0 without one. */
    static long seq(LocalLog log, String source) {
        return log.cursor(source).map(ReplicationCursor::lastSequenceNr).orElse(0L);
    }

    static Optional<ReplicationCursor> get(LocalLog log, String source) {
        return log.cursor(source);
    }

    /** Saves a plain watermark (no folder position). */
    static void saveSeq(LocalLog log, String source, long seq) {
        log.saveCursor(new ReplicationCursor(source, 0, 0, seq));
    }
}
