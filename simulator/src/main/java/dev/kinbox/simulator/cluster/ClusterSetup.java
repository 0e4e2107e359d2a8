package dev.kinbox.simulator.cluster;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.simulator.fleet.FleetFaults;
import dev.kinbox.simulator.fleet.HostedFleet;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.run.VirtualClock;
import dev.kinbox.simulator.workload.WorkloadOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.pattern.Patterns;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * How a {@link ClusterFleet} sets the cluster up before the run: waits until {@code nodes} members are Up and
 * every node's agent and sharding region are known (bounded), sends every node the whole roster (the keys
 * the driver generated: every node knows every slot's certificate), the run's faults when it has any
 * ({@link Protocol.SetFaults}) and the fleet options with the driver's simulated time ({@link Protocol.Open}).
 */
final class ClusterSetup {
    private static final Duration SETUP_ASK = Duration.ofSeconds(60);
    private static final int ACCOUNTS_PER_BATCH = 16;

    private ClusterSetup() {}

    /** Whether the run has any fault (its nodes then get {@link Protocol.SetFaults}). */
    static boolean faulty(FleetFaults faults) { return !faults.faults().equals(WorkloadOptions.Faults.NONE); }

    /** Sets every node up; returns their agents. */
    static List<ActorRef<Protocol.ToNode>> setUp(ClusterNode node, int nodes, Roster roster, String store, VirtualClock clock,
                                                 HostedFleet.Options options, FleetFaults faults)
            throws ClusterNode.ClusterUnavailable, CryptoException, InterruptedException {
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
        if (faulty(faults)) {
            List<List<String>> peers = armored(faults.peerKeys());
            for (ActorRef<Protocol.ToNode> a : agents) ask(node, a, to -> new Protocol.SetFaults(faults.seed(), faults.faults(), peers, to));
        }
        for (ActorRef<Protocol.ToNode> a : agents) {
            ask(node, a, to -> new Protocol.Open(roster.accounts().size(), store, options.snapshotEvery(), options.sweepInterval().toMillis(),
                    options.blockingThreads(), options.livenessCheck().toMillis(), options.dropPoll().toMillis(), options.expireAfter().toMillis(),
                    clock.millis(), clock.scale(), clock.isHeld(), to));
        }
        System.err.printf("simulator: %d nodes Up in %.1f s, their agents and sharding regions known %.1f s later, set up %.1f s later%n",
                nodes, (up - t0) / 1e9, (known - up) / 1e9, (System.nanoTime() - known) / 1e9);
        return agents;
    }

    private static List<List<String>> armored(List<List<OpenPGPKey>> keys) throws CryptoException {
        List<List<String>> out = new ArrayList<>();
        for (List<OpenPGPKey> generations : keys) {
            List<String> armored = new ArrayList<>();
            for (OpenPGPKey k : generations) armored.add(Crypto.armor(k));
            out.add(armored);
        }
        return out;
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
}
