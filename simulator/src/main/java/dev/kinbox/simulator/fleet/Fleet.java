package dev.kinbox.simulator.fleet;

import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.simulator.workload.Change;
import dev.kinbox.simulator.workload.DeviceRef;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The devices a simulation drives, whatever hosts them: {@link HostedFleet} (every device in one
 * ActorSystem) or {@code dev.kinbox.simulator.cluster.ClusterFleet} (accounts sharded over the JVMs of a
 * Pekko cluster, each node hosting its part in a {@link HostedFleet}). Thread-safe: the runner steps devices on
 * one thread while its sampler reads states on another.
 */
public interface Fleet extends AutoCloseable {
    /** The accounts and device slots. */
    Roster roster();

    /** Starts {@code d}: the first time with an empty local store, later from the store it kept. */
    void start(DeviceRef d) throws FleetException;

    /**
     * Stops {@code d}. {@code orderly}: waits (bounded) until its acknowledged edits are on the server,
     * and false if they were not in time; otherwise it stops at once (a crash) and returns true.
     */
    boolean stop(DeviceRef d, boolean orderly) throws FleetException;

    /** Cuts {@code d} off from the server ({@code false}) or lets it reach the server again. */
    void online(DeviceRef d, boolean online);

    /** Applies {@code change} on running {@code d}; completes with the dot of the acknowledged event. */
    CompletionStage<Dot> edit(DeviceRef d, Change change);

    /** The current state of running {@code d}. */
    CompletionStage<AccountState> state(DeviceRef d);

    /** The devices running now. */
    Set<DeviceRef> running();

    /** Mail store operations the devices issued so far (all accounts). */
    long storeOperations();

    /** Messages in all folders of {@code account}'s mailbox now, by kind. */
    StoreMessages storeMessages(int account);

    /** Events between a device's snapshots (the store bound depends on it). */
    int snapshotEvery();

    /** Stops every device and releases the stores. */
    @Override void close();

    /** A device could not be started or stopped. */
    final class FleetException extends Exception {
        public FleetException(String message, Throwable cause) { super(message, cause); }
    }
}
