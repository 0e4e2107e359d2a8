package dev.kinbox.simulator.cluster;

import dev.kinbox.simulator.fleet.JournalRefusals;
import dev.kinbox.simulator.trace.JournalEntry;
import dev.kinbox.simulator.trace.Journals;
import dev.kinbox.simulator.trace.Trace;
import dev.kinbox.simulator.trace.TraceException;
import dev.kinbox.simulator.workload.HostileAct;

import dev.kinbox.crypto.CryptoException;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.simulator.fleet.DeviceSystems;
import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.fleet.FleetFaults;
import dev.kinbox.simulator.fleet.GossipCounts;
import dev.kinbox.simulator.fleet.HostedFleet;
import dev.kinbox.simulator.fleet.RetiredReadable;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.fleet.StoreMessages;
import dev.kinbox.simulator.run.VirtualClock;
import dev.kinbox.simulator.workload.Change;
import dev.kinbox.simulator.workload.DeviceRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The devices of a run spread over the nodes of a Pekko cluster, driven from this JVM (the node that
 * runs the schedule; it hosts devices too). Every account is a sharded entity ({@link AccountEntity});
 * all its devices run on the node sharding placed it on, in that node's {@link HostedFleet}, over that
 * node's own stores. Setting up ({@link ClusterSetup}): wait until {@code nodes} members are Up and every
 * node's agent and sharding region are known (bounded), send every node the whole roster (the keys this
 * JVM generated: every node knows every slot's certificate), the run's faults and the fleet options with
 * this JVM's simulated time; then the runner drives the devices through sharding asks as it drives a
 * {@link HostedFleet}, faults included (drops, server restarts and incoming mail go to the account's node), and so are
 * removals and the key trial of {@code silent_devices_retired}; every node's devices expire after the driver's expiry.
 * Every node's devices run a clock of the node's own that follows the driver's: held when it is, started and frozen when
 * the runner starts and freezes the driver's ({@link NodeClocks}).
 */
public final class ClusterFleet implements Fleet {
    /** A start waits for the device's actor and its first state; a leave for its catch-up, retirement and uploads (as in {@link HostedFleet}). */
    private static final Duration START_STOP = Duration.ofSeconds(120);

    private final ClusterNode node;
    private final Roster roster;
    private final int snapshotEvery;
    private final List<ActorRef<Protocol.ToNode>> agents;
    private final boolean faulty;
    private final Expiry expiry;
    private final Set<DeviceRef> running = ConcurrentHashMap.newKeySet();
    private final NodeReports<Protocol.NodeStats> stats;
    private final NodeReports<Protocol.FaultCounts> faultCounts;
    private final NodeReports<Protocol.Withheld> withheld;
    /** Whether the driver asked for a hostile act or a folder rebuild yet (before, no node has anything withheld or restored away). */
    private volatile boolean attacked;
    private final NodeClocks clocks;
    private final LostNodes lostNodes;
    private volatile boolean closed;

    private ClusterFleet(ClusterNode node, Roster roster, HostedFleet.Options options, List<ActorRef<Protocol.ToNode>> agents, boolean faulty) {
        this.node = node;
        this.roster = roster;
        this.snapshotEvery = options.snapshotEvery();
        var t = options.timing();
        this.expiry = new Expiry(t.expireAfter(), t.announceEvery(), t.livenessCheck());
        this.agents = agents;
        this.faulty = faulty;
        this.stats = new NodeReports<>(node.system(), agents, Protocol.GetStats::new, Protocol.NodeStats::address);
        this.faultCounts = new NodeReports<>(node.system(), agents, Protocol.GetFaultCounts::new, Protocol.FaultCounts::address);
        this.withheld = new NodeReports<>(node.system(), agents, Protocol.GetWithheld::new, Protocol.Withheld::address);
        this.clocks = new NodeClocks(node, agents, NodeClocks.ASK);
        this.lostNodes = new LostNodes(node.system());
    }

    /**
     * Why the run cannot go on: a node became unreachable or left mid-run ({@link LostNodes}). From then on every call
     * that would reach an account fails at once with that reason, rather than after its timeout - or, once sharding has
     * moved the lost node's accounts, reaching fresh accounts with nothing behind them.
     */
    @Override public java.util.Optional<String> broken() { return lostNodes.lost(); }

    private void whole() throws FleetException {
        java.util.Optional<String> lost = lostNodes.lost();
        if (lost.isPresent()) throw new FleetException(lost.get(), null);
    }

    /** As {@link #whole()}, for the calls that fail unchecked (a trace's capture, the sampler's counts). */
    private void wholeOrIllegalState() {
        lostNodes.lost().ifPresent(why -> {
            throw new IllegalStateException(why);
        });
    }

    private <T> CompletionStage<T> whole(java.util.function.Supplier<CompletionStage<T>> ask) {
        java.util.Optional<String> lost = lostNodes.lost();
        return lost.isPresent() ? CompletableFuture.failedFuture(new FleetException(lost.get(), null)) : lostNodes.guard(ask.get());
    }

    /**
     * Drives the devices from {@code node} (the driver's, started with {@link ClusterNode#start}; the
     * fleet owns it from now on): waits for {@code nodes} nodes (this one included) and sets every node
     * up for {@code roster} on {@code store}. On failure the node is closed again.
     */
    public static ClusterFleet open(ClusterNode node, int nodes, Roster roster, String store, VirtualClock clock,
                                    HostedFleet.Options options) throws FleetException, InterruptedException {
        return open(node, nodes, roster, store, clock, options, FleetFaults.none());
    }

    /**
     * As above, with the run's {@code faults}: every node gets the seed, the fault options and the peers' keys
     * ({@link Protocol.SetFaults}) before its fleet opens, so each device gets the latency stream, clock skew and
     * peers it gets in one JVM; drops, server restarts and incoming mail are then asked of the account's node.
     */
    public static ClusterFleet open(ClusterNode node, int nodes, Roster roster, String store, VirtualClock clock,
                                    HostedFleet.Options options, FleetFaults faults) throws FleetException, InterruptedException {
        try {
            List<ActorRef<Protocol.ToNode>> agents = ClusterSetup.setUp(node, nodes, roster, store, clock, options, faults);
            return new ClusterFleet(node, roster, options, agents, ClusterSetup.faulty(faults));
        } catch (ClusterNode.ClusterUnavailable | CryptoException | RuntimeException e) {
            node.close();
            throw new FleetException("cannot set up the cluster fleet: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            node.close();
            throw e;
        }
    }

    private EntityRef<Protocol.ToAccount> account(int a) {
        return ClusterSharding.get(node.system()).entityRefFor(ClusterNode.ACCOUNTS, String.valueOf(a));
    }

    @Override public Roster roster() { return roster; }

    /** A device not started on its node as an outcome is {@link RetiredDevice} or {@link NoPartner}, as in one JVM. */
    @Override public void start(DeviceRef d) throws FleetException {
        whole();
        if (running.contains(d)) throw new FleetException(d + " is already running", null);
        Protocol.Started s = await(account(d.account()).askWithStatus(to -> new Protocol.Start(d.slot(), to), START_STOP), START_STOP,
                "cannot start " + d);
        switch (s.outcome()) {
            case RETIRED -> throw new RetiredDevice(s.reason());
            case NO_PARTNER -> throw new NoPartner(s.reason());
            case RUNNING -> { }
        }
        running.add(d);
    }

    @Override public Stopped stop(DeviceRef d, Stop how) throws FleetException {
        if (!running.remove(d)) throw new FleetException(d + " is not running", null);
        whole();
        return await(account(d.account()).<Stopped>askWithStatus(to -> new Protocol.Stop(d.slot(), how, to), START_STOP), START_STOP,
                "cannot stop " + d);
    }

    /** Asked, not awaited: the leaver's wait runs on its node while the account's later steps go on. */
    @Override public CompletionStage<Boolean> readBack(DeviceRef d) {
        return whole(() -> DeviceSystems.onDispatcher(node.system(),
                account(d.account()).<Boolean>askWithStatus(to -> new Protocol.ReadBack(d.slot(), to), START_STOP)))
                .exceptionally(e -> false);
    }

    /** Told, not asked: it reaches the account after every message sent to it before (one sender, one region). */
    @Override public void online(DeviceRef d, boolean online) {
        if (lostNodes.lost().isEmpty()) account(d.account()).tell(new Protocol.Online(d.slot(), online));
    }

    @Override public CompletionStage<Dot> edit(DeviceRef d, Change change) {
        if (!running.contains(d)) return CompletableFuture.failedFuture(new IllegalStateException(d + " is not running"));
        return whole(() -> DeviceSystems.onDispatcher(node.system(),
                account(d.account()).askWithStatus(to -> new Protocol.Edit(d.slot(), change, to), DeviceSystems.ASK)));
    }

    @Override public CompletionStage<AccountState> state(DeviceRef d) {
        if (!running.contains(d)) return CompletableFuture.failedFuture(new IllegalStateException(d + " is not running"));
        return whole(() -> DeviceSystems.onDispatcher(node.system(),
                account(d.account()).askWithStatus(to -> new Protocol.GetState(d.slot(), to), DeviceSystems.ASK)));
    }

    @Override public CompletionStage<java.util.Optional<String>> retirement(DeviceRef d) {
        if (!running.contains(d)) return CompletableFuture.failedFuture(new IllegalStateException(d + " is not running"));
        return whole(() -> DeviceSystems.onDispatcher(node.system(), account(d.account()).<String>askWithStatus(to -> new Protocol.GetRetirement(d.slot(), to),
                DeviceSystems.ASK))).thenApply(why -> why.isEmpty() ? java.util.Optional.<String>empty() : java.util.Optional.of(why));
    }

    @Override public CompletionStage<Void> checkLiveness(DeviceRef d) {
        if (!running.contains(d)) return CompletableFuture.failedFuture(new IllegalStateException(d + " is not running"));
        return whole(() -> DeviceSystems.onDispatcher(node.system(), account(d.account()).<String>askWithStatus(to -> new Protocol.CheckLiveness(d.slot(), to),
                DeviceSystems.ASK))).thenApply(done -> null);
    }

    @Override public Set<DeviceRef> running() { return new TreeSet<>(running); }

    @Override public int runningCount() { return running.size(); }

    @Override public boolean isRunning(DeviceRef d) { return running.contains(d); }

    /** Summed over the nodes that answer (a node that does not keeps its last answer). */
    @Override public long storeOperations() {
        return nodes().values().stream().mapToLong(Protocol.NodeStats::storeOperations).sum();
    }

    /**
     * Every node's counters by address: store operations, starts carried out, devices running, removals. A node
     * that does not answer in time keeps its last answer.
     */
    public Map<String, NodeCounters> nodeCounters() {
        Map<String, NodeCounters> out = new TreeMap<>();
        nodes().forEach((k, v) -> out.put(k, new NodeCounters(v.storeOperations(), v.starts(), v.running(), v.removals())));
        return out;
    }

    /** What one node did: store operations of its devices, device starts, devices running now, removals carried out. */
    public record NodeCounters(long storeOperations, int starts, int running, int removals) {}

    private Map<String, Protocol.NodeStats> nodes() { return asksNodes() ? stats.read() : stats.last(); }

    /** Whether the nodes' counters are asked for (each ask waits for every node): not once closed, nor once a node is lost. */
    private boolean asksNodes() { return !closed && lostNodes.lost().isEmpty(); }

    /**
     * Every node's fault counters by address (as {@link #nodeCounters}): connections dropped and server restarts
     * it carried out, incoming mails its devices acknowledged, its gossip mail outcomes.
     */
    public Map<String, FaultCounters> faultCounters() {
        Map<String, FaultCounters> out = new TreeMap<>();
        (asksNodes() ? faultCounts.read() : faultCounts.last())
                .forEach((k, v) -> out.put(k, new FaultCounters(v.drops(), v.restarts(), v.incomingAcked(), v.gossip())));
        return out;
    }

    /** What one node's faults did: drops and server restarts carried out, incoming mails acknowledged, gossip mail outcomes. */
    public record FaultCounters(long drops, long restarts, long incomingAcked, GossipCounts gossip) {}

    /** Asks the account's node: the device's next store operation fails as a dropped connection. */
    @Override public void drop(DeviceRef d) throws FleetException {
        whole();
        await(account(d.account()).<Done>askWithStatus(to -> new Protocol.Drop(d.slot(), to), DeviceSystems.ASK), DeviceSystems.ASK,
                "cannot drop the connection of " + d);
    }

    /** Asks the account's node to restart the account's store there (docs/SIMULATOR.md, "Across machines"). */
    @Override public void restartServer(int account) throws FleetException {
        whole();
        await(account(account).<Done>askWithStatus(Protocol.RestartServer::new, START_STOP), START_STOP, "cannot restart the server of account " + account);
    }

    /** Asks the account's node to rebuild {@code d}'s folder in the account's store there ({@link HostedFleet#rebuildFolder}). */
    @Override public boolean rebuildFolder(DeviceRef d) throws FleetException {
        attacked = true; // a restore may lose entries (Fleet.restoredAway)
        whole();
        return await(account(d.account()).<Protocol.Acted>askWithStatus(to -> new Protocol.RebuildFolder(d.slot(), to), START_STOP), START_STOP,
                "cannot rebuild the folder of " + d).acted();
    }

    /**
     * Asks the account's node: {@code by} removes {@code target} there ({@link HostedFleet#remove}: its siblings retire it,
     * a running target stops). Bounded as a start (the removal waits for the remover's MUAA, then for the target's stop).
     */
    @Override public void remove(DeviceRef by, DeviceRef target) throws FleetException {
        if (by.account() != target.account()) throw new FleetException(by + " cannot remove " + target + ": another account", null);
        whole();
        await(account(by.account()).<Done>askWithStatus(to -> new Protocol.Remove(by.slot(), target.slot(), to), START_STOP), START_STOP,
                "cannot remove " + target + " by " + by);
        running.remove(target);
    }

    /** Every node lets its devices' held clock run from now ({@link NodeClocks}); a node that does not answer in time fails this. */
    @Override public void clockStarted() throws FleetException { clocks.start(); }

    /** Every node's devices' clock runs at {@code pace} from {@code at}, as the driver's does; bounded as {@link #clockStarted}. */
    @Override public void clockPaced(Instant at, double pace) throws FleetException { clocks.pace(at, pace); }

    /** Every node freezes its devices' clock at {@code at}, where the runner froze the driver's; bounded as {@link #clockStarted}. */
    @Override public void clockFrozen(Instant at) throws FleetException { clocks.freeze(at); }

    /** The driver's expiry: every node's devices run with it ({@link Protocol.Open}). */
    @Override public Expiry expiry() { return expiry; }

    /** Asks the writer's node, which holds its journal and folder and every slot's key, to try the retired device's key. */
    @Override public RetiredReadable readableByRetired(DeviceRef writer, DeviceRef retired) throws FleetException {
        if (writer.account() != retired.account()) throw new FleetException(writer + " and " + retired + " are of different accounts", null);
        whole();
        return await(account(writer.account()).askWithStatus(to -> new Protocol.ReadableByRetired(writer.slot(), retired.slot(), to),
                DeviceSystems.ASK), DeviceSystems.ASK, "cannot try " + retired + "'s key on the folder of " + writer);
    }

    /**
     * The answer to {@code asked}, waited for at most {@code timeout} (and 5 s for the ask's own timeout to fire first), and
     * no longer once a node is lost ({@link LostNodes#guard}): an ask to a lost node's account would otherwise hold its
     * caller (a lane, the sampler) for the whole timeout.
     */
    private <T> T await(CompletionStage<T> asked, Duration timeout, String failure) throws FleetException {
        try {
            return lostNodes.guard(asked).toCompletableFuture().get(timeout.toSeconds() + 5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FleetException(failure + ": interrupted", e);
        } catch (Exception e) {
            throw new FleetException(failure + ": " + DeviceSystems.reason(e), e);
        }
    }

    /** Summed over the nodes that answer, as {@link #storeOperations}. */
    @Override public GossipCounts gossipMail() {
        return faultCounters().values().stream().map(FaultCounters::gossip).reduce(GossipCounts.NONE, GossipCounts::plus);
    }

    @Override public StoreMessages storeMessages(int account) {
        wholeOrIllegalState();
        try {
            return await(account(account).<StoreMessages>askWithStatus(Protocol.CountMessages::new, DeviceSystems.ASK), DeviceSystems.ASK,
                    "cannot count account " + account);
        } catch (FleetException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override public int snapshotEvery() { return snapshotEvery; }

    /** Summed over the nodes that answer, as {@link #storeOperations}. */
    @Override public JournalRefusals refusals() {
        JournalRefusals sum = JournalRefusals.NONE;
        for (Protocol.NodeStats s : nodes().values()) sum = sum.plus(s.refusals());
        return sum;
    }

    /** Summed over the nodes that answer, as {@link #storeOperations}. */
    @Override public long secondRoots() {
        return nodes().values().stream().mapToLong(Protocol.NodeStats::secondRoots).sum();
    }

    /** Asks the victim's node, where its account's mailbox is, to have the provider act there ({@link HostedFleet#hostile}). */
    @Override public boolean hostile(DeviceRef victim, HostileAct act) throws FleetException {
        attacked = true;
        whole();
        return await(account(victim.account()).<Protocol.Acted>askWithStatus(to -> new Protocol.Hostile(victim.slot(), act, to), DeviceSystems.ASK),
                DeviceSystems.ASK, "the provider cannot " + act + " on the folder of " + victim).acted();
    }

    /**
     * The union of every node's withheld, unhealed dots, asked of every node at each call (the runner asks at each check)
     * once the provider has acted at all; a node that does not answer in time counts with its last answer.
     */
    @Override public Set<Dot> withheldUnhealed() {
        if (!attacked) return Set.of(); // nothing can be withheld: spare the nodes an ask at every check
        Set<Dot> out = new java.util.HashSet<>();
        (asksNodes() ? withheld.read() : withheld.last()).values().forEach(w -> out.addAll(w.dots()));
        return out;
    }

    /** The union of every node's {@link Fleet#restoredAway}, asked as {@link #withheldUnhealed}. */
    @Override public Set<Dot> restoredAway() {
        if (!attacked) return Set.of();
        Set<Dot> out = new java.util.HashSet<>();
        (asksNodes() ? withheld.read() : withheld.last()).values().forEach(w -> out.addAll(w.restored()));
        return out;
    }

    /**
     * Read page by page from the account's node, where the journal stays ({@link Protocol.GetJournal}): a trace's capture.
     * A node that does not answer is an {@link IllegalStateException} (the runner then notes the trace as not written).
     */
    @Override public List<JournalEntry> journal(DeviceRef d) {
        wholeOrIllegalState();
        List<Trace.Entry> entries = new ArrayList<>();
        long after = 0;
        while (true) {
            long from = after;
            Protocol.JournalPage p;
            try {
                p = await(account(d.account()).askWithStatus(to -> new Protocol.GetJournal(d.slot(), from, to), DeviceSystems.ASK),
                        DeviceSystems.ASK, "cannot read the journal of " + d);
            } catch (FleetException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            for (Trace.Entry e : p.entries()) {
                if (e.seq() <= after) throw new IllegalStateException("the journal of " + d + " came out of order at " + e.seq());
                after = e.seq();
            }
            entries.addAll(p.entries());
            if (!p.more()) break;
            if (p.entries().isEmpty()) throw new IllegalStateException("the journal of " + d + ": an empty page that says more follows");
        }
        try {
            return Journals.decode(new Trace.Device(d.slot(), roster.device(d).deviceId(), false, new byte[0], entries));
        } catch (TraceException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Ends the run on every node (each stops its devices and releases its stores), then leaves the cluster. */
    @Override public void close() {
        lostNodes.ending();
        // a lost node cannot answer: the others get a shorter wait than a whole close's
        Duration wait = lostNodes.lost().isPresent() ? Duration.ofSeconds(15) : Duration.ofSeconds(120);
        try {
            // the counters as they are at the end, before the fleets are gone
            if (faulty) {
                faultCounters().forEach((address, c) -> System.err.println("simulator: node " + address + ": " + c.drops() + " connections dropped, "
                        + c.restarts() + " server restarts, " + c.incomingAcked() + " incoming mails acknowledged, " + c.gossip().delivered()
                        + " gossip mails delivered"));
            }
            nodeCounters().forEach((address, c) -> System.err.println("simulator: node " + address + ": " + c.starts() + " device starts, "
                    + c.removals() + " removals, " + c.storeOperations() + " store operations, " + c.running() + " running at the end"));
            List<CompletableFuture<Done>> closing = new ArrayList<>();
            for (ActorRef<Protocol.ToNode> a : agents) {
                closing.add(AskPattern.<Protocol.ToNode, Done>ask(a, Protocol.Close::new, wait, node.system().scheduler())
                        .toCompletableFuture());
            }
            for (CompletableFuture<Done> f : closing) {
                try {
                    f.get(wait.toSeconds() + 1, TimeUnit.SECONDS);
                } catch (Exception e) {
                    System.err.println("simulator: a node did not close in time: " + DeviceSystems.reason(e));
                }
            }
        } finally {
            closed = true;
            node.close();
        }
    }
}
