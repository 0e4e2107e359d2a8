package dev.kinbox.journal;

import dev.kinbox.journal.EntryCodec.SnapshotBody;
import dev.kinbox.persistence.store.LocalLog;
import dev.kinbox.persistence.store.StoredSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;

/**
 * Snapshots in the local log (payload: the CBOR {@link SnapshotBody}, the same bytes the snapshot
 * message carries sealed). Selection by sequence number and timestamp bounds; deletion removes the
 * doomed snapshots one at a time (those kept are never removed, even for a moment); every deletion is
 * also recorded ({@link Cursors#snapshotDeletion}) for the uploader to carry to the server. With a
 * positive {@code keep}, saving a snapshot deletes those older than the newest {@code keep} (the
 * snapshots a MUAA takes on its own, after a pairing, are not covered by Pekko's retention); their
 * server copies go with the compaction that follows the upload, or by a deletion request when the
 * server folder is not compacted.
 */
final class SnapshotTier {
    /** At most this many of a persistence id's local snapshots are looked at in one load or deletion (a device keeps a few). */
    private static final int MAX_SCANNED = 10_000;

    private final LocalLog log;
    private final PayloadSerde serde;
    private final String deviceId;
    private final int keep;
    private final boolean serverCompacts;

    SnapshotTier(LocalLog log, PayloadSerde serde, String deviceId, int keep, boolean serverCompacts) {
        this.log = log;
        this.serde = serde;
        this.deviceId = deviceId;
        this.keep = keep;
        this.serverCompacts = serverCompacts;
    }

    void save(SnapshotMetadata md, Object snapshot) throws Exception {
        PayloadSerde.Serialized s = serde.serialize(snapshot);
        EntryCodec.Meta meta = null;
        if (md.metadata().isDefined()) {
            PayloadSerde.Serialized m = serde.serialize(md.metadata().get());
            meta = new EntryCodec.Meta(m.serializer(), m.manifest(), m.bytes());
        }
        SnapshotBody b = new SnapshotBody(EntryCodec.VERSION, md.persistenceId(), deviceId, md.sequenceNr(), md.timestamp(),
                s.serializer(), s.manifest(), s.bytes(), meta);
        log.saveSnapshot(md.persistenceId(), new StoredSnapshot(md.sequenceNr(), md.timestamp(), EntryCodec.encode(b)));
        if (keep > 0) dropBeyondNewest(md.persistenceId());
    }

    /** Deletes the snapshots older than the newest {@code keep}. */
    private void dropBeyondNewest(String pid) {
        List<StoredSnapshot> newest = newestFirst(pid, Long.MAX_VALUE, keep + 1);
        if (newest.size() <= keep) return;
        long bound = newest.get(keep).sequenceNr();
        deleteWhere(pid, bound, s -> s.sequenceNr() <= bound, !serverCompacts);
    }

    Optional<SelectedSnapshot> load(String pid, SnapshotSelectionCriteria c) {
        for (StoredSnapshot s : matching(pid, c)) {
            SnapshotBody b = EntryCodec.decode(s.payload(), SnapshotBody.class);
            Object value = serde.deserialize(b.serializer(), b.serManifest(), b.payload());
            scala.Option<Object> meta = b.meta() == null ? scala.Option.empty()
                    : scala.Option.apply(serde.deserialize(b.meta().serializer(), b.meta().serManifest(), b.meta().payload()));
            return Optional.of(SelectedSnapshot.create(new SnapshotMetadata(pid, s.sequenceNr(), s.timestampMillis(), meta), value));
        }
        return Optional.empty();
    }

    void delete(SnapshotMetadata md) {
        deleteWhere(md.persistenceId(), md.sequenceNr(), s -> s.sequenceNr() == md.sequenceNr()
                && (md.timestamp() == 0 || s.timestampMillis() == md.timestamp()), true);
    }

    void delete(String pid, SnapshotSelectionCriteria c) {
        List<StoredSnapshot> doomed = matching(pid, c);
        if (doomed.isEmpty()) return;
        List<Long> seqs = doomed.stream().map(StoredSnapshot::sequenceNr).toList();
        deleteWhere(pid, doomed.get(0).sequenceNr(), s -> seqs.contains(s.sequenceNr()), true);
    }

    /** Matching snapshots, newest first. */
    private List<StoredSnapshot> matching(String pid, SnapshotSelectionCriteria c) {
        List<StoredSnapshot> out = new ArrayList<>();
        for (StoredSnapshot s : newestFirst(pid, c.maxSequenceNr(), MAX_SCANNED)) {
            if (s.sequenceNr() < c.minSequenceNr()) break;
            if (s.timestampMillis() <= c.maxTimestamp() && s.timestampMillis() >= c.minTimestamp()) out.add(s);
        }
        return out;
    }

    private List<StoredSnapshot> newestFirst(String pid, long maxSeq, int most) {
        List<StoredSnapshot> out = new ArrayList<>();
        long bound = maxSeq;
        for (int i = 0; i < most && bound >= 0; i++) {
            Optional<StoredSnapshot> s = log.latestSnapshot(pid, bound);
            if (s.isEmpty()) break;
            out.add(s.get());
            bound = s.get().sequenceNr() - 1;
        }
        return out;
    }

    private synchronized void deleteWhere(String pid, long upTo, java.util.function.Predicate<StoredSnapshot> doomed, boolean tellServer) {
        List<StoredSnapshot> below = newestFirst(pid, upTo, MAX_SCANNED);
        if (below.stream().noneMatch(doomed)) return;
        // one snapshot at a time: the ones kept are never removed, even for a moment
        for (StoredSnapshot s : below) if (doomed.test(s)) log.deleteSnapshot(pid, s.sequenceNr());
        // durable request for the uploader: remove server snapshot messages with no local counterpart
        if (tellServer) Cursors.saveSeq(log, Cursors.snapshotDeletion(pid), Cursors.seq(log, Cursors.snapshotDeletion(pid)) + 1);
    }
}
