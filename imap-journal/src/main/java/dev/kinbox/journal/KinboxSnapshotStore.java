package dev.kinbox.journal;

import java.util.Optional;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.snapshot.japi.SnapshotStore;
import scala.concurrent.Future;

/**
 * The {@code kinbox.snapshot-store} plugin. Thin: saves to the local log ({@link SnapshotTier}) and
 * kicks the persistence id's {@link Uploader}, which uploads the snapshot as a {@code kind=snapshot}
 * message once the events it covers are on the server and then compacts the folder. Loading restores
 * from the server first when the local log knows nothing of the persistence id. Deleting snapshots
 * deletes them locally at once and on the server when the uploader next runs.
 */
public final class KinboxSnapshotStore extends SnapshotStore {
    private final KinboxJournalRuntime rt = KinboxJournalRuntime.get(context().system());

    @Override
    public Future<Optional<SelectedSnapshot>> doLoadAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
        return async(() -> {
            DeviceHost host = rt.hostFor(persistenceId);
            host.restorer.ensureRestored(persistenceId);
            return host.snapshots.load(persistenceId, criteria);
        });
    }

    @Override
    public Future<Void> doSaveAsync(SnapshotMetadata metadata, Object snapshot) {
        return local(() -> {
            DeviceHost host = rt.hostFor(metadata.persistenceId());
            host.snapshots.save(metadata, snapshot);
            host.uploader(metadata.persistenceId()).kick();
            return null;
        });
    }

    @Override
    public Future<Void> doDeleteAsync(SnapshotMetadata metadata) {
        return local(() -> {
            DeviceHost host = rt.hostFor(metadata.persistenceId());
            host.snapshots.delete(metadata);
            host.uploader(metadata.persistenceId()).kick(); // removes the server's copy too
            return null;
        });
    }

    @Override
    public Future<Void> doDeleteAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
        return local(() -> {
            DeviceHost host = rt.hostFor(persistenceId);
            host.snapshots.delete(persistenceId, criteria);
            host.uploader(persistenceId).kick(); // removes the server's copies too
            return null;
        });
    }

    /** Loading may restore from the server: the network pool. */
    private <T> Future<T> async(Async.Work<T> work) {
        return Async.run(rt.blocking(), work);
    }

    /** Saving and deleting touch the local log only: its own pool. */
    private <T> Future<T> local(Async.Work<T> work) {
        return Async.run(rt.localWork(), work);
    }
}
