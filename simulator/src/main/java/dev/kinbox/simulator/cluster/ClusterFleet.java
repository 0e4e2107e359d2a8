package dev.kinbox.simulator.cluster;

import dev.kinbox.simulator.fleet.JournalRefusals;
import dev.kinbox.simulator.trace.JournalEntry;
import dev.kinbox.simulator.workload.HostileAct;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.simulator.fleet.DeviceSystems;
import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.fleet.HostedFleet;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.fleet.StoreMessages;
import dev.kinbox.simulator.run.VirtualClock;
import dev.kinbox.simulator.workload.Change;
import dev.kinbox.simulator.workload.DeviceRef;
import java.time.Duration;
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
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.Patterns;

/**
 * The devices of a run spread over the nodes of a Pekko cluster, driven from this JVM (the node that
 * runs the schedule; it hosts devices too). Every account is a sharded entity ({@link AccountEntity});
 * all its devices run on the node sharding placed it on, in that node's {@link HostedFleet}, over that
 * node's own stores. Setting up: wait until {@code nodes} members are Up and every node's agent and
 * sharding region are known (bounded), send every node the whole roster (the keys this JVM generated:
 * every node knows every slot's certificate) and the fleet options with this JVM's simulated time,
 * then the runner drives the devices through sharding asks as it drives a {@link HostedFleet}.
 */
public final class ClusterFleet implements Fleet {
    private static final Duration SETUP_ASK = Duration.ofSeconds(60);
    /** A start waits for the device's actor and its first state; an orderly stop for its uploads (as in {@link HostedFleet}). */
    private static final Duration START_STOP = Duration.ofSeconds(90);
    private static final Duration STATS_ASK = Duration.ofSeconds(10);
    private static final int ACCOUNTS_PER_BATCH = 16;

    private final ClusterNode node;
    private final Roster roster;
    private final int snapshotEvery;
    private final List<ActorRef<Protocol.ToNode>> agents;
    private final Set<DeviceRef> running = ConcurrentHashMap.newKeySet();
    private final Map<String, Protocol.NodeStats> lastStats = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private ClusterFleet(ClusterNode node, Roster roster, int snapshotEvery, List<ActorRef<Protocol.ToNode>> agents) {
        this.node = node;
        this.roster = roster;
        this.snapshotEvery = snapshotEvery;
        this.agents = agents;
    }

    /**
     * Drives the devices from {@code node} (the driver's, started with {@link ClusterNode#start}; the
     * fleet owns it from now on): waits for {@code nodes} nodes (this one included) and sets every node
     * up for {@code roster} on {@code store}. On failure the node is closed again.
     */
    public static ClusterFleet open(ClusterNode node, int nodes, Roster roster, String store, VirtualClock clock,
                                    HostedFleet.Options options) throws FleetException, InterruptedException {
        try {
            if (nodes < 1) throw new IllegalArgumentException("nodes must be >= 1");
            if (node.up().size() < nodes) System.err.println("simulator: " + node.address() + " waiting for " + nodes + " nodes Up");
            long t0 = System.nanoTime();
            node.awaitUp(nodes);
            long up = System.nanoTime();
            List<ActorRef<Protocol.ToNode>> agents = awaitAgents(node, nodes, node.settings().upTimeout());
            awaitRegions(node, nodes, node.settings().upTimeout());
            long known = System.nanoTime();
            List<Protocol.AccountKeys> keys = keys(roster);
            for (ActorRef<Protocol.ToNode> a : agents) {
                for (int i = 0; i < keys.size(); i += ACCOUNTS_PER_BATCH) {
                    List<Protocol.AccountKeys> batch = keys.subList(i, Math.min(keys.size(), i + ACCOUNTS_PER_BATCH));
                    ask(node, a, to -> new Protocol.AddAccounts(batch, to));
                }
            }
            for (ActorRef<Protocol.ToNode> a : agents) {
                ask(node, a, to -> new Protocol.Open(roster.accounts().size(), store, options.snapshotEvery(), options.sweepInterval().toMillis(),
                        options.blockingThreads(), clock.millis(), clock.scale(), to));
            }
            System.err.printf("simulator: %d nodes Up in %.1f s, their agents and sharding regions known %.1f s later, set up %.1f s later%n",
                    nodes, (up - t0) / 1e9, (known - up) / 1e9, (System.nanoTime() - known) / 1e9);
            return new ClusterFleet(node, roster, options.snapshotEvery(), agents);
        } catch (ClusterNode.ClusterUnavailable | CryptoException | RuntimeException e) {
            node.close();
            throw new FleetException("cannot set up the cluster fleet: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            node.close();
            throw e;
        }
    }

    private static List<Protocol.AccountKeys> keys(Roster roster) throws CryptoException {
        List<Protocol.AccountKeys> out = new ArrayList<>();
        for (int a = 0; a < roster.accounts().size(); a++) {
            List<String> armored = new ArrayList<>();
            for (Roster.Device d : roster.accounts().get(a).devices()) armored.add(Crypto.armor(d.key()));
            out.add(new Protocol.AccountKeys(a, roster.accounts().get(a).accountId(), armored));
        }
        return out;
    }

    private static List<ActorRef<Protocol.ToNode>> awaitAgents(ClusterNode node, int nodes, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Set<ActorRef<Protocol.ToNode>> found = AskPattern.<Receptionist.Command, Receptionist.Listing>ask(node.system().receptionist(),
                            to -> Receptionist.find(NodeAgent.KEY, to), Duration.ofSeconds(5), node.system().scheduler())
                    .toCompletableFuture().join().getServiceInstances(NodeAgent.KEY);
            if (found.size() >= nodes) return List.copyOf(found);
            if (System.nanoTime() > deadline) throw new IllegalStateException("only " + found.size() + " of " + nodes + " node agents found");
            Thread.sleep(100);
        }
    }

    /** The coordinator knows every node's region: accounts are placed on all nodes from the first one on. */
    private static void awaitRegions(ClusterNode node, int nodes, Duration timeout) throws InterruptedException {
        var region = org.apache.pekko.cluster.sharding.ClusterSharding.get(node.system().classicSystem()).shardRegion(ClusterNode.ACCOUNTS.name());
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (System.nanoTime() < deadline) {
            try {
                Object r = Patterns.ask(region, ShardRegion.getCurrentRegionsInstance(), Duration.ofSeconds(5)).toCompletableFuture().join();
                seen = ((ShardRegion.CurrentRegions) r).getRegions().size();
                if (seen >= nodes) return;
            } catch (RuntimeException notYet) {
                // the coordinator is still starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("only " + seen + " of " + nodes + " sharding regions registered");
    }

    private static void ask(ClusterNode node, ActorRef<Protocol.ToNode> agent,
                            org.apache.pekko.japi.function.Function<ActorRef<org.apache.pekko.pattern.StatusReply<Done>>, Protocol.ToNode> make) {
        AskPattern.askWithStatus(agent, make, SETUP_ASK, node.system().scheduler()).toCompletableFuture().join();
    }

    private EntityRef<Protocol.ToAccount> account(int a) {
        return ClusterSharding.get(node.system()).entityRefFor(ClusterNode.ACCOUNTS, String.valueOf(a));
    }

    @Override public Roster roster() { return roster; }

    @Override public void start(DeviceRef d) throws FleetException {
        if (running.contains(d)) throw new FleetException(d + " is already running", null);
        try {
            account(d.account()).<Done>askWithStatus(to -> new Protocol.Start(d.slot(), to), START_STOP).toCompletableFuture()
                    .get(START_STOP.toSeconds() + 5, TimeUnit.SECONDS);
            running.add(d);
        } catch (Exception e) {
            throw new FleetException("cannot start " + d + ": " + AccountEntity.reason(e), e);
        }
    }

    @Override public boolean stop(DeviceRef d, boolean orderly) throws FleetException {
        if (!running.remove(d)) throw new FleetException(d + " is not running", null);
        try {
            return account(d.account()).<Protocol.Stopped>askWithStatus(to -> new Protocol.Stop(d.slot(), orderly, to), START_STOP)
                    .toCompletableFuture().get(START_STOP.toSeconds() + 5, TimeUnit.SECONDS).uploaded();
        } catch (Exception e) {
            throw new FleetException("cannot stop " + d + ": " + AccountEntity.reason(e), e);
        }
    }

    /** Told, not asked: it reaches the account after every message sent to it before (one sender, one region). */
    @Override public void online(DeviceRef d, boolean online) {
        account(d.account()).tell(new Protocol.Online(d.slot(), online));
    }

    @Override public CompletionStage<Dot> edit(DeviceRef d, Change change) {
        if (!running.contains(d)) return CompletableFuture.failedFuture(new IllegalStateException(d + " is not running"));
        return account(d.account()).askWithStatus(to -> new Protocol.Edit(d.slot(), change, to), DeviceSystems.ASK);
    }

    @Override public CompletionStage<AccountState> state(DeviceRef d) {
        if (!running.contains(d)) return CompletableFuture.failedFuture(new IllegalStateException(d + " is not running"));
        return account(d.account()).askWithStatus(to -> new Protocol.GetState(d.slot(), to), DeviceSystems.ASK);
    }

    @Override public Set<DeviceRef> running() { return new TreeSet<>(running); }

    @Override public int runningCount() { return running.size(); }

    @Override public boolean isRunning(DeviceRef d) { return running.contains(d); }

    /** Summed over the nodes that answer (a node that does not keeps its last answer). */
    @Override public long storeOperations() {
        return nodes().values().stream().mapToLong(Protocol.NodeStats::storeOperations).sum();
    }

    /**
     * Every node's counters by address: store operations, starts carried out, devices running. A node
     * that does not answer in time keeps its last answer.
     */
    public Map<String, NodeCounters> nodeCounters() {
        Map<String, NodeCounters> out = new TreeMap<>();
        nodes().forEach((k, v) -> out.put(k, new NodeCounters(v.storeOperations(), v.starts(), v.running())));
        return out;
    }

    /** What one node did: store operations of its devices, device starts, devices running now. */
    public record NodeCounters(long storeOperations, int starts, int running) {}

    private Map<String, Protocol.NodeStats> nodes() {
        if (closed) return new TreeMap<>(lastStats);
        List<CompletableFuture<Protocol.NodeStats>> asks = new ArrayList<>();
        for (ActorRef<Protocol.ToNode> a : agents) {
            asks.add(AskPattern.<Protocol.ToNode, Protocol.NodeStats>ask(a, Protocol.GetStats::new, STATS_ASK, node.system().scheduler())
                    .toCompletableFuture());
        }
        for (CompletableFuture<Protocol.NodeStats> f : asks) {
            try {
                Protocol.NodeStats s = f.get(STATS_ASK.toSeconds() + 1, TimeUnit.SECONDS);
                lastStats.put(s.address(), s);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                System.err.println("simulator: a node did not report its counters: " + AccountEntity.reason(e));
            }
        }
        return new TreeMap<>(lastStats);
    }

    @Override public StoreMessages storeMessages(int account) {
        try {
            return account(account).<StoreMessages>askWithStatus(Protocol.CountMessages::new, DeviceSystems.ASK).toCompletableFuture()
                    .get(DeviceSystems.ASK.toSeconds() + 1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while counting account " + account, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot count account " + account + ": " + AccountEntity.reason(e), e);
        }
    }

    @Override public int snapshotEvery() { return snapshotEvery; }

    /** Summed over the nodes that answer, as {@link #storeOperations}. */
    @Override public JournalRefusals refusals() {
        long u = 0, m = 0, r = 0, g = 0;
        for (Protocol.NodeStats s : nodes().values()) {
            u += s.refusals().untrusted();
            m += s.refusals().malformed();
            r += s.refusals().replayed();
            g += s.refusals().gaps();
        }
        return new JournalRefusals(u, m, r, g);
    }

    /** Not on a cluster: the hostile provider works on the memory store in one JVM ({@code simulate} refuses the combination). */
    @Override public boolean hostile(DeviceRef victim, HostileAct act) throws FleetException {
        throw new FleetException("the hostile provider is not available on a cluster", null);
    }

    /** Nothing is withheld on a cluster (no hostile provider). */
    @Override public Set<Dot> withheldUnhealed() { return Set.of(); }

    /** Journals stay on their nodes: a cluster run records no trace ({@code simulate} writes none). */
    @Override public List<JournalEntry> journal(DeviceRef d) { return List.of(); }

    /** Ends the run on every node (each stops its devices and releases its stores), then leaves the cluster. */
    @Override public void close() {
        try {
            // the counters as they are at the end, before the fleets are gone
            nodeCounters().forEach((address, c) -> System.err.println("simulator: node " + address + ": " + c.starts() + " device starts, "
                    + c.storeOperations() + " store operations, " + c.running() + " running at the end"));
            List<CompletableFuture<Done>> closing = new ArrayList<>();
            for (ActorRef<Protocol.ToNode> a : agents) {
                closing.add(AskPattern.<Protocol.ToNode, Done>ask(a, Protocol.Close::new, Duration.ofSeconds(120), node.system().scheduler())
                        .toCompletableFuture());
            }
            for (CompletableFuture<Done> f : closing) {
                try {
                    f.get(121, TimeUnit.SECONDS);
                } catch (Exception e) {
                    System.err.println("simulator: a node did not close in time: " + AccountEntity.reason(e));
                }
            }
        } finally {
            closed = true;
            node.close();
        }
    }
}
