package dev.kinbox.simulator.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;

/**
 * One JVM's part of a cluster fleet: an ActorSystem named {@value #SYSTEM} on the cluster provider
 * (Artery TCP at the given host and port, or TLS 1.3 with {@link ClusterTls}), the account entities' sharding region, and the node's
 * {@link NodeAgent} and {@link NodeHost}. The driver's node starts the cluster (it joins itself when
 * it has no seeds); the others join the seeds. Entity id = account index, shard = account mod
 * {@value #SHARDS}, placed by {@link AccountAllocation} and never moved, so all devices of an account
 * run on one node.
 */
public final class ClusterNode implements AutoCloseable {
    public static final String SYSTEM = "kinbox-sim";
    static final int SHARDS = 1000;
    static final EntityTypeKey<Protocol.ToAccount> ACCOUNTS = EntityTypeKey.create(Protocol.ToAccount.class, "kinbox-sim-account");

    private final ClusterSettings settings;
    private final ActorSystem<Void> system;
    private final NodeHost host = new NodeHost();

    private ClusterNode(ClusterSettings settings) {
        this.settings = settings;
        this.system = ActorSystem.create(Behaviors.empty(), SYSTEM, config(settings));
        Cluster cluster = Cluster.get(system);
        String address = cluster.selfMember().address().toString();
        ClusterSharding.get(system).init(Entity.of(ACCOUNTS, ctx -> AccountEntity.create(Integer.parseInt(ctx.getEntityId()), host))
                .withMessageExtractor(new ByAccount())
                .withAllocationStrategy(new AccountAllocation()));
        system.systemActorOf(NodeAgent.create(host, address), "kinbox-sim-node", org.apache.pekko.actor.typed.Props.empty());
        if (settings.seeds().isEmpty()) cluster.manager().tell(Join.create(cluster.selfMember().address()));
        else cluster.manager().tell(new JoinSeedNodes(settings.seeds().stream()
                .map(s -> new Address("pekko", SYSTEM, s.host(), s.port())).collect(Collectors.toList())));
    }

    /**
     * Starts the node and joins (or starts) the cluster; returns at once, see {@link #awaitUp}.
     *
     * @throws ClusterUnavailable when the node cannot start (its port is taken, its host is not this machine's)
     */
    public static ClusterNode start(ClusterSettings settings) throws ClusterUnavailable {
        try {
            return new ClusterNode(settings);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            throw new ClusterUnavailable("cannot start a cluster node at " + settings.host() + ":" + settings.port() + ": " + root.getMessage());
        }
    }

    private static Config config(ClusterSettings s) {
        return ConfigFactory.parseString(String.join("\n",
                        "pekko.loglevel = WARNING", "pekko.stdout-loglevel = WARNING",
                        "pekko.actor.provider = cluster",
                        "pekko.remote.artery.canonical.hostname = \"" + s.host() + "\"",
                        "pekko.remote.artery.canonical.port = " + s.port(),
                        // states of busy accounts can outgrow the 256 KiB default frame
                        "pekko.remote.artery.advanced.maximum-frame-size = 4MiB",
                        "pekko.remote.artery.advanced.buffer-pool-size = 32",
                        "pekko.cluster.roles = [" + (s.driver() ? ClusterSettings.DRIVER_ROLE : "sim-node") + "]",
                        "pekko.cluster.log-info = off", "pekko.cluster.jmx.enabled = off",
                        "pekko.cluster.downing-provider-class = \"org.apache.pekko.cluster.sbr.SplitBrainResolverProvider\"",
                        "pekko.cluster.sharding.number-of-shards = " + SHARDS,
                        // a region registers with the coordinator as soon as it can (the driver waits for every region)
                        "pekko.cluster.sharding.retry-interval = 500ms",
                        "pekko.cluster.seed-node-timeout = 2s",
                        "pekko.coordinated-shutdown.exit-jvm = off"))
                .withFallback(s.tls().map(ClusterTls::config).orElse(ConfigFactory.empty()))
                .withFallback(ConfigFactory.load());
    }

    /** This node's address ({@code pekko://kinbox-sim@host:port}). */
    public Address address() { return Cluster.get(system).selfMember().address(); }

    /** The port bound (useful with port 0). */
    public int port() { return address().getPort().orElse(settings.port()); }

    ActorSystem<Void> system() { return system; }

    ClusterSettings settings() { return settings; }

    NodeHost host() { return host; }

    /** The members Up now. */
    public List<Member> up() {
        return StreamSupport.stream(Cluster.get(system).state().getMembers().spliterator(), false)
                .filter(m -> m.status() == MemberStatus.up()).collect(Collectors.toList());
    }

    /**
     * Waits (polling, at most the settings' up timeout) until at least {@code nodes} members are Up.
     *
     * @throws ClusterUnavailable naming the members seen, when they are not
     */
    public void awaitUp(int nodes) throws ClusterUnavailable, InterruptedException {
        long deadline = System.nanoTime() + settings.upTimeout().toNanos();
        while (up().size() < nodes) {
            if (System.nanoTime() > deadline) {
                throw new ClusterUnavailable("only " + up().size() + " of " + nodes + " nodes Up after " + settings.upTimeout().toSeconds()
                        + " s (members: " + Cluster.get(system).state().getMembers() + "); start the others with"
                        + " kinbox simulate --cluster --join --seed-nodes " + address().getHost().orElse("?") + ":" + port());
            }
            Thread.sleep(100);
        }
    }

    /**
     * A joining node's life: waits until the driver ends the run (0) or goes away (1: not Up within the
     * up timeout, removed from the cluster, or this node's system stopped), polling every 200 ms.
     */
    public int awaitRunEnd() throws InterruptedException {
        long deadline = System.nanoTime() + settings.upTimeout().toNanos();
        boolean seen = false;
        while (true) {
            if (host.closed().isDone()) return 0;
            if (system.whenTerminated().isCompleted()) {
                System.err.println("simulate: this node's system stopped before the run ended");
                return 1;
            }
            boolean driverUp = up().stream().anyMatch(m -> m.hasRole(ClusterSettings.DRIVER_ROLE));
            if (driverUp) seen = true;
            else if (seen && !host.closed().isDone()) {
                host.closed().orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null).join(); // a Close may be on its way
                if (host.closed().isDone()) return 0;
                System.err.println("simulate: the driver left the cluster before ending the run");
                return 1;
            } else if (!seen && System.nanoTime() > deadline) {
                System.err.println("simulate: no driver Up within " + settings.upTimeout().toSeconds() + " s");
                return 1;
            }
            Thread.sleep(200);
        }
    }

    /** Stops this node's devices (if the driver did not), leaves the cluster and terminates (bounded). */
    @Override public void close() {
        try {
            host.close();
        } finally {
            system.terminate();
            try {
                system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("simulate: the node's system did not terminate in 30 s: " + e.getMessage());
            }
        }
    }

    /** The cluster did not form in time. */
    public static final class ClusterUnavailable extends Exception {
        ClusterUnavailable(String message) { super(message); }
    }

    /** Entity id = account index; shard = account mod {@link #SHARDS} (every device of an account in one shard). */
    private static final class ByAccount extends ShardingMessageExtractor<ShardingEnvelope<Protocol.ToAccount>, Protocol.ToAccount> {
        @Override public String entityId(ShardingEnvelope<Protocol.ToAccount> e) { return e.entityId(); }

        @Override public String shardId(String entityId) {
            try {
                return String.valueOf(Math.floorMod(Integer.parseInt(entityId), SHARDS));
            } catch (NumberFormatException e) {
                return String.valueOf(Math.floorMod(entityId.hashCode(), SHARDS));
            }
        }

        @Override public Protocol.ToAccount unwrapMessage(ShardingEnvelope<Protocol.ToAccount> e) { return e.message(); }
    }
}
