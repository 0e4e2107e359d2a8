package dev.kinbox.simulator.fleet;

import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.simulator.workload.Change;
import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.workload.HostileAct;
import dev.kinbox.simulator.trace.JournalEntry;
import java.util.List;
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

    /**
     * Starts {@code d}: the first time with an empty local store, later from the store it kept.
     *
     * @throws NotStarted when it is not running as an outcome, not a failure: {@link RetiredDevice}, {@link NoPartner}
     */
    void start(DeviceRef d) throws FleetException;

    /** How a device stops. */
    enum Stop {
        /** At once, with whatever it had not uploaded still in its local log (a crash, a killed process). */
        CRASH,
        /** The application closes: it stops, then waits (bounded) until its acknowledged edits are on the server. */
        CLOSE,
        /**
         * For good (the application uninstalled, the device given away), as {@code KinboxDevice.leave}:
         * {@code dev.kinbox.actors.muaa.Leave} - it reads its siblings' folders to their end (what only it
         * could still relay is relayed) and, when it has a paired sibling, retires itself - then closes.
         */
        LEAVE
    }

    /**
     * How a stop went: {@code confirmed} - for {@link Stop#CLOSE} its uploads, for {@link Stop#LEAVE} also its
     * catch-up and its retirement (when it had a paired sibling to retire itself to) were done in time; always
     * true for a crash -, and {@code retired}: it retired itself (persisted; on the server too when confirmed).
     * Whether a sibling read that retirement comes later, from {@link #readBack}.
     */
    record Stopped(boolean confirmed, boolean retired) {
        /** What a crash reports: nothing to wait for, nothing retired. */
        public static final Stopped CRASHED = new Stopped(true, false);
    }

    /**
     * Stops {@code d} as {@code how} says. A {@link Stop#LEAVE} that retired the device returns once the retirement and
     * the uploads are done; the device then waits, no longer {@link #isRunning running}, for a sibling to read its leave
     * ({@link #readBack}), so the account's later steps need not wait with it.
     */
    Stopped stop(DeviceRef d, Stop how) throws FleetException;

    /**
     * For a device whose {@link Stop#LEAVE} retired it: completes once it stopped for good, with whether a paired
     * sibling showed within the wait that it read the retirement (its roll lists the device; {@code Leave#awaitRead}),
     * so the account keeps it whatever the provider withholds after. Until then the device still runs its part of the
     * leave: it uploads again what the provider deleted of it and appends its notice when it is not there. False at once for a
     * device with no such wait; never completes exceptionally.
     */
    CompletionStage<Boolean> readBack(DeviceRef d);

    /** Cuts {@code d} off from the server ({@code false}) or lets it reach the server again. */
    void online(DeviceRef d, boolean online);

    /** Applies {@code change} on running {@code d}; completes with the dot of the acknowledged event. */
    CompletionStage<Dot> edit(DeviceRef d, Change change);

    /** The current state of running {@code d}. */
    CompletionStage<AccountState> state(DeviceRef d);

    /**
     * Why running {@code d} may no longer work in its account, empty while it may
     * ({@code Muaa.GetRetirement}): a device that learnt from a sibling's notice that it was retired
     * still has itself as paired in its state, so its state alone does not tell.
     */
    CompletionStage<java.util.Optional<String>> retirement(DeviceRef d);

    /**
     * Has running {@code d} run its liveness check now ({@code Muaa.CheckLiveness}): completes once what the
     * check found - its own refresh if due, the siblings it retired - is persisted; fails with why not (the
     * server could not be read, the device is retired). The settle asks every device at the frozen clock.
     */
    CompletionStage<Void> checkLiveness(DeviceRef d);

    /**
     * What {@code d}'s MUAA persisted so far, in sequence order (its local log, kept across crashes
     * and after it left); empty when it never ran. Safe while it runs (a consistent prefix).
     */
    List<JournalEntry> journal(DeviceRef d);

    /** The devices running now (a sorted copy: O(n log n) - see {@link #runningCount} and {@link #isRunning}). */
    Set<DeviceRef> running();

    /** How many devices run now, without copying them (a runner asks after every step). */
    default int runningCount() { return running().size(); }

    /** Whether {@code d} runs now, without copying the running devices. */
    default boolean isRunning(DeviceRef d) { return running().contains(d); }

    /** Mail store operations the devices issued so far (all accounts). */
    long storeOperations();

    /** Messages in all folders of {@code account}'s mailbox now, by kind. */
    StoreMessages storeMessages(int account);

    /**
     * The mail provider does {@code act} to {@code victim}'s folder ({@link HostileProvider}); false when
     * there was nothing to act on. Works on every store (on a server through an IMAP session of the account's own) and, on a
     * cluster, on the account's node. {@link FleetException} when the act failed (the store did not answer).
     */
    boolean hostile(DeviceRef victim, HostileAct act) throws FleetException;

    /**
     * The dots of entries the provider withheld ({@link HostileProvider.Withheld}) whose author's folder
     * holds no snapshot at or past them yet: they may rightly be missing on siblings that had not read them.
     */
    Set<Dot> withheldUnhealed();

    /**
     * The dots of entries a restore from an older backup ({@link #rebuildFolder} losing messages) took
     * from the folder of a device that was not running then and has not run since, and that its folder
     * does not hold again: only their author could upload them again, so they may rightly be missing on
     * siblings that had not read them. Empty where folders are not restored.
     */
    default Set<Dot> restoredAway() { return Set.of(); }

    /** {@code d}'s connection to the server drops (its next operation fails); {@link FleetException} where not built. */
    default void drop(DeviceRef d) throws FleetException {
        throw new FleetException("dropped connections are not built for this fleet", null);
    }

    /** The server of {@code account}'s mailbox restarts ({@link AccountStores#restart}); {@link FleetException} where not built. */
    default void restartServer(int account) throws FleetException {
        throw new FleetException("server restarts are not built for this fleet", null);
    }

    /**
     * The server of {@code d}'s account comes back from a restore with {@code d}'s folder rebuilt: a new
     * UIDVALIDITY, its messages under new UIDs in another order, every connection of the account's devices
     * dropped ({@link AccountStores#rebuild}); false when the folder does not exist (yet, or any more).
     * {@link FleetException} where not built (an existing server is not the simulator's to restore) or when it failed.
     */
    default boolean rebuildFolder(DeviceRef d) throws FleetException {
        throw new FleetException("folder rebuilds are not built for this fleet", null);
    }

    /** What became of the gossip mails handed to the devices so far ({@link GossipCounts#NONE} where there are none). */
    default GossipCounts gossipMail() { return GossipCounts.NONE; }

    /** What the devices' journals refused so far (all devices). */
    JournalRefusals refusals();

    /**
     * Newcomers that found no valid announcement of a sibling (the provider deleted or altered them),
     * bootstrapped an account root of their own, and were then paired into their account as a user would.
     */
    default long secondRoots() { return 0; }

    /** Events between a device's snapshots (the store bound depends on it). */
    int snapshotEvery();

    /** Stops every device and releases the stores. */
    @Override void close();

    /**
     * {@code by} (running) removes device {@code target} from the account ({@code Muaa.RemoveDevice}):
     * its siblings retire it, stop sealing to it and delete its folder. A running target is stopped
     * afterwards (the user wiped it); started again, it finds itself retired ({@link RetiredDevice}).
     */
    default void remove(DeviceRef by, DeviceRef target) throws FleetException {
        throw new FleetException("removal is not supported by " + getClass().getSimpleName(), null);
    }

    /**
     * What {@code writer}'s folder holds that {@code retired} could still read after {@code writer}
     * retired it ({@link RetiredReadable}); {@link FleetException} when this fleet cannot look (not hosted here).
     */
    default RetiredReadable readableByRetired(DeviceRef writer, DeviceRef retired) throws FleetException {
        throw new FleetException("reading folders with a retired device's key is not supported by " + getClass().getSimpleName(), null);
    }

    /**
     * The runner started the devices' clock ({@code Runner.drivingClock}: a held clock starts with the first paced step).
     * Nothing for a fleet whose devices run on that clock; a fleet whose devices run clocks of their own (a cluster node's)
     * starts them now, and fails when one did not start in time.
     */
    default void clockStarted() throws FleetException {}

    /**
     * The runner froze the devices' clock at {@code at} (after the last step, for the settle). Nothing for a fleet whose
     * devices run on that clock; one whose devices run clocks of their own freezes them at {@code at}, and fails when one
     * did not freeze in time.
     */
    default void clockFrozen(java.time.Instant at) throws FleetException {}

    /**
     * The runner set the devices' clock's pace to {@code pace} at {@code at} ({@code Runner}'s pacer: its steps fell
     * behind, or caught up). Nothing for a fleet whose devices run on that clock; one whose devices run clocks of their
     * own paces them from {@code at}, and fails when one did not follow in time.
     */
    default void clockPaced(java.time.Instant at, double pace) throws FleetException {}

    /**
     * Why this fleet can no longer run its devices at all (a cluster node lost mid-run), or empty while it can: the
     * runner then stops stepping, skips the settle and reports it as a step error. Empty for a fleet in one JVM.
     */
    default java.util.Optional<String> broken() { return java.util.Optional.empty(); }

    /** How the devices expire (the MUAA's timings); the protocol's defaults unless the fleet says otherwise. */
    default Expiry expiry() { return Expiry.DEFAULT; }

    /**
     * @param expireAfter   simulated time after which a silent paired device is retired by its siblings
     * @param announceEvery simulated time between a running device's refreshes of its own activity
     * @param checkEvery    real time between a device's liveness checks
     */
    record Expiry(java.time.Duration expireAfter, java.time.Duration announceEvery, java.time.Duration checkEvery) {
        /** 30 days, daily, every second. */
        public static final Expiry DEFAULT = new Expiry(java.time.Duration.ofDays(30), java.time.Duration.ofDays(1), java.time.Duration.ofSeconds(1));
    }

    /** A device could not be started or stopped. */
    class FleetException extends Exception {
        public FleetException(String message, Throwable cause) { super(message, cause); }
    }

    /**
     * A device the fleet did not leave running, as an outcome of the protocol, not a failure: its user is told why, and
     * its steps that need it running are not run ({@link RetiredDevice}, {@link NoPartner}).
     */
    abstract sealed class NotStarted extends FleetException permits RetiredDevice, NoPartner {
        NotStarted(String message) { super(message, null); }
    }

    /** A device that started and found itself retired (removed or expired). */
    final class RetiredDevice extends NotStarted {
        public RetiredDevice(String message) { super(message); }
    }

    /**
     * A new device that found no device of its account to pair with: each running, online one the fleet counted as paired
     * had been retired meanwhile (removed, or expired after an absence), learnt it, and refused to pair it.
     */
    final class NoPartner extends NotStarted {
        public NoPartner(String message) { super(message); }
    }
}
