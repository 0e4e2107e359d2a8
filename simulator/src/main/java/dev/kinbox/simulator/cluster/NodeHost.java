package dev.kinbox.simulator.cluster;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.simulator.fleet.AccountStores;
import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.fleet.FleetFaults;
import dev.kinbox.simulator.fleet.GossipCounts;
import dev.kinbox.simulator.fleet.HostedFleet;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.run.VirtualClock;
import dev.kinbox.simulator.workload.Change;
import dev.kinbox.simulator.workload.DeviceRef;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * What one cluster node hosts: the roster the driver sent (every account's slots, so every slot's
 * certificate is known here), and once opened one {@link HostedFleet} for the devices of the accounts
 * sharding placed on this node, over this node's own stores (memory: one mailbox per account, in this
 * JVM; greenmail: an embedded server on loopback), with the run's faults ({@link Protocol.SetFaults}) when it
 * has any, and the driver's expiry, on a clock that follows the driver's (held through the setup, started and frozen
 * when the driver's runner starts and freezes its own). Fleet operations that wait (start, stop, removal, counting a mailbox, a server
 * restart, a key trial) run on a pool of its own, never on an actor's thread. Counts the removals and faults it
 * carried out. Thread-safe.
 */
final class NodeHost implements AutoCloseable {
    private static final int OPS_THREADS = 16;
    private final Crypto crypto = Crypto.standard();
    private final Map<Integer, Roster.Account> accounts = new ConcurrentHashMap<>();
    private final ExecutorService ops = Executors.newFixedThreadPool(OPS_THREADS, r -> {
        Thread t = new Thread(r, "sim-node-ops");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger starts = new AtomicInteger();
    private final AtomicInteger removals = new AtomicInteger();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final LongAdder drops = new LongAdder();
    private final LongAdder restarts = new LongAdder();
    private final LongAdder incomingAcked = new LongAdder();
    private volatile HostedFleet fleet;
    private volatile VirtualClock clock;
    private FleetFaults faults = FleetFaults.none(); // guarded by this

    /** Learns one account's slots (keys parsed here: a malformed key fails the batch, nothing half-learnt is used). */
    void add(Protocol.AccountKeys k) throws CryptoException {
        List<Roster.Device> ds = new ArrayList<>();
        for (String armored : k.armoredKeys()) {
            OpenPGPKey key = readKey(armored);
            ds.add(new Roster.Device(dev.kinbox.journal.Keyring.deviceIdOf(key.toCertificate()), key));
        }
        accounts.put(k.index(), new Roster.Account(k.accountId(), ds));
    }

    /** Learns the run's faults and its peers' keys; before {@link #open}, which hands them to the fleet. */
    synchronized void setFaults(Protocol.SetFaults f) throws CryptoException {
        if (fleet != null) throw new IllegalStateException("the faults must arrive before the fleet opens");
        List<List<OpenPGPKey>> peers = new ArrayList<>();
        for (List<String> generations : f.armoredPeerKeys()) {
            List<OpenPGPKey> keys = new ArrayList<>();
            for (String armored : generations) keys.add(readKey(armored));
            peers.add(keys);
        }
        faults = FleetFaults.of(f.seed(), f.faults(), crypto, peers);
    }

    private OpenPGPKey readKey(String armored) throws CryptoException {
        return crypto.readKey(armored.getBytes(StandardCharsets.US_ASCII));
    }

    /** Builds this node's fleet from the learnt roster; refused when accounts are missing or it is open already. */
    synchronized void open(Protocol.Open o) {
        if (fleet != null) throw new IllegalStateException("this node's fleet is open already (one run per node)");
        List<Roster.Account> all = new ArrayList<>();
        List<Integer> missing = new ArrayList<>();
        for (int a = 0; a < o.accounts(); a++) {
            Roster.Account acc = accounts.get(a);
            if (acc == null) missing.add(a);
            else all.add(acc);
        }
        if (!missing.isEmpty()) throw new IllegalStateException("keys of accounts " + missing.subList(0, Math.min(10, missing.size())) + " never arrived");
        Instant now = Instant.ofEpochMilli(o.simulatedNowMillis());
        VirtualClock clock = o.held() ? VirtualClock.held(now, o.scale(), System::nanoTime) : new VirtualClock(now, o.scale(), System::nanoTime);
        // the driver's options, scaled to the whole fleet, and its expiry
        HostedFleet.Options options = new HostedFleet.Options(o.snapshotEvery(), Duration.ofMillis(o.sweepMillis()), o.blockingThreads(),
                Duration.ofMillis(o.expireAfterMillis()), Duration.ofMillis(o.livenessMillis()), Duration.ofMillis(o.dropPollMillis()));
        fleet = new HostedFleet(new Roster(all), AccountStores.open(o.store(), new SecureRandom()), clock, options, faults);
        this.clock = clock;
    }

    /** The clock of this node's devices (the driver's runner starts and freezes it: {@link Protocol.StartClock}, {@link Protocol.FreezeClock}). */
    VirtualClock clock() {
        VirtualClock c = clock;
        if (c == null) throw new IllegalStateException("this node has no clock (not set up by the driver)");
        return c;
    }

    /** The open fleet. */
    HostedFleet fleet() {
        HostedFleet f = fleet;
        if (f == null) throw new IllegalStateException("this node has no fleet (not set up by the driver, or closed)");
        return f;
    }

    /** {@code work} on the node's pool. */
    <T> CompletableFuture<T> run(Callable<T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            ops.execute(() -> {
                try {
                    f.complete(work.call());
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (RuntimeException rejected) {
            f.completeExceptionally(new IllegalStateException("this node is closing"));
        }
        return f;
    }

    /** Starts {@code d} (counted); a device not started as an outcome ({@link Fleet.NotStarted}) is no failure. */
    Protocol.Started start(DeviceRef d) throws Fleet.FleetException {
        try {
            fleet().start(d);
        } catch (Fleet.RetiredDevice e) {
            return new Protocol.Started(Protocol.Started.Outcome.RETIRED, e.getMessage());
        } catch (Fleet.NoPartner e) {
            return new Protocol.Started(Protocol.Started.Outcome.NO_PARTNER, e.getMessage());
        }
        starts.incrementAndGet();
        return new Protocol.Started(Protocol.Started.Outcome.RUNNING, "");
    }

    /** {@code by} removes {@code target} ({@link HostedFleet#remove}: a running target stops; counted). */
    void remove(DeviceRef by, DeviceRef target) throws Fleet.FleetException {
        fleet().remove(by, target);
        removals.incrementAndGet();
    }

    /** {@code d}'s next store operation fails as a dropped connection (counted). */
    void drop(DeviceRef d) throws Fleet.FleetException {
        fleet().drop(d);
        drops.increment();
    }

    /** The store of {@code account} on this node restarts (counted; {@link HostedFleet#restartServer}). */
    void restartServer(int account) throws Fleet.FleetException {
        fleet().restartServer(account);
        restarts.increment();
    }

    /** The store of {@code d}'s account on this node comes back with {@code d}'s folder rebuilt ({@link HostedFleet#rebuildFolder}). */
    boolean rebuildFolder(DeviceRef d) throws Fleet.FleetException {
        return fleet().rebuildFolder(d);
    }

    /** {@code change} on running {@code d}; an acknowledged incoming mail is counted. */
    CompletionStage<Dot> edit(DeviceRef d, Change change) {
        CompletionStage<Dot> edited = fleet().edit(d, change);
        if (change instanceof Change.IncomingMail || change instanceof Change.GossipMail) {
            edited.thenRun(incomingAcked::increment);
        }
        return edited;
    }

    Protocol.FaultCounts faultCounts(String address) {
        HostedFleet f = fleet;
        return new Protocol.FaultCounts(address, drops.sum(), restarts.sum(), incomingAcked.sum(), f == null ? GossipCounts.NONE : f.gossipMail());
    }

    /**
     * What the hostile provider withheld on this node and is not healed yet, and what restores lost there that only
     * their authors could upload again; nothing before the fleet is open or after it closed.
     */
    Protocol.Withheld withheld(String address) {
        HostedFleet f = fleet;
        return f == null ? new Protocol.Withheld(address, List.of(), List.of())
                : new Protocol.Withheld(address, List.copyOf(f.withheldUnhealed()), List.copyOf(f.restoredAway()));
    }

    Protocol.NodeStats stats(String address) {
        HostedFleet f = fleet;
        return new Protocol.NodeStats(address, f == null ? 0 : f.storeOperations(), starts.get(), f == null ? 0 : f.running().size(),
                f == null ? dev.kinbox.simulator.fleet.JournalRefusals.NONE : f.refusals(), removals.get(), f == null ? 0 : f.secondRoots());
    }

    /** Completes once {@link #close} ran (the driver ended the run). */
    CompletableFuture<Void> closed() { return closed; }

    /** Stops every device and releases the stores (bounded by the fleet's own timeouts). */
    @Override public synchronized void close() {
        try {
            HostedFleet f = fleet;
            fleet = null;
            if (f != null) f.close();
        } finally {
            ops.shutdown();
            try {
                ops.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closed.complete(null);
        }
    }
}
