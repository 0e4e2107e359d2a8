package dev.kinbox.cli.sim;

import dev.kinbox.simulator.cluster.ClusterNode;
import dev.kinbox.simulator.cluster.ClusterSettings;
import dev.kinbox.simulator.cluster.ClusterTls;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The {@code --cluster} options of {@code kinbox simulate}: the driver (runs the schedule, hosts
 * devices too, waits for {@code --nodes}) or, with {@code --join}, a node that only hosts devices
 * until the driver ends the run. See docs/SIMULATOR.md, "Across machines".
 */
public final class ClusterArgs {
    @Option(names = "--cluster", description = "Run the devices on a Pekko cluster across JVMs (accounts sharded over the nodes).")
    public boolean cluster;

    @Option(names = "--join", description = "With --cluster: only host devices for the driver at --seed-nodes, until it ends the run.")
    public boolean join;

    @Option(names = "--nodes", description = "With --cluster: nodes to wait for before starting, this one included (default: ${DEFAULT-VALUE}).",
            defaultValue = "2")
    public int nodes;

    @Option(names = "--host", description = "With --cluster: the address other nodes reach this one at (default: ${DEFAULT-VALUE}).",
            defaultValue = "127.0.0.1")
    public String host;

    @Option(names = "--port", description = "With --cluster: this node's port (default: ${DEFAULT-VALUE}).", defaultValue = "2552")
    public int port;

    @Option(names = "--seed-nodes", paramLabel = "HOST:PORT[,...]", description = "With --cluster: nodes to join (required with --join; the driver's default: none, it starts the cluster).")
    public String seedNodes;

    @Option(names = "--cluster-timeout", description = "With --cluster: longest wait for the nodes to be Up, and for a joining node to see the driver (default: ${DEFAULT-VALUE}).",
            defaultValue = "120s")
    public String timeout;

    @Option(names = "--cluster-tls", paramLabel = "KEYSTORE", description = "With --cluster: TLS 1.3 between the nodes, mutually "
            + "authenticated, with this node's key and certificate from KEYSTORE (PKCS12 or JKS); every node needs it. The password "
            + "comes from " + ClusterTls.ENV_PASSWORD + " or the file named by " + ClusterTls.ENV_PASSWORD_FILE
            + ". See docs/SIMULATOR.md, \"Across machines\".")
    public java.nio.file.Path tlsKeyStore;

    @Option(names = "--cluster-truststore", paramLabel = "FILE", description = "With --cluster-tls: the certificates to accept "
            + "(default: the key store's own).")
    public java.nio.file.Path tlsTrustStore;

    /** The settings, or null without {@code --cluster}; {@link IllegalArgumentException} on bad values. */
    public ClusterSettings settings() {
        return settings(System.getenv());
    }

    /** As {@link #settings()}, a TLS password taken from {@code env}. */
    public ClusterSettings settings(java.util.Map<String, String> env) {
        if (!cluster) {
            if (join) throw new IllegalArgumentException("--join needs --cluster");
            if (tlsKeyStore != null || tlsTrustStore != null) throw new IllegalArgumentException("--cluster-tls needs --cluster");
            return null;
        }
        if (nodes < 1 || nodes > 1000) throw new IllegalArgumentException("--nodes must be 1..1000");
        if (tlsTrustStore != null && tlsKeyStore == null) throw new IllegalArgumentException("--cluster-truststore needs --cluster-tls");
        ClusterSettings s = new ClusterSettings(host, port, ClusterSettings.parseSeeds(seedNodes), !join, SimArgs.duration("--cluster-timeout", timeout));
        return tlsKeyStore == null ? s : s.withTls(ClusterTls.open(tlsKeyStore, tlsTrustStore == null ? tlsKeyStore : tlsTrustStore, env));
    }

    /** A joining node's whole life: 0 when the driver ended the run, 1 when it never came or went away. */
    public static int join(ClusterSettings settings) throws InterruptedException {
        try (ClusterNode node = ClusterNode.start(settings)) {
            System.err.println("simulate: node " + node.address() + " joining " + settings.seeds() + "; hosting devices until the driver ends the run");
            int code = node.awaitRunEnd();
            System.err.println("simulate: node " + node.address() + (code == 0 ? ": the run ended" : ": leaving"));
            return code;
        } catch (ClusterNode.ClusterUnavailable e) {
            System.err.println("simulate: " + e.getMessage());
            return 1;
        }
    }
}
