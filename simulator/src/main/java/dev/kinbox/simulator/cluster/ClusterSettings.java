package dev.kinbox.simulator.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a cluster node listens and whom it joins.
 *
 * @param host      the address other nodes reach this one at (also bound)
 * @param port      the port (0: any free one, for tests)
 * @param seeds     {@code host:port} of nodes to join; empty: this node starts the cluster (the driver)
 * @param driver    this node runs the schedule (role {@value #DRIVER_ROLE})
 * @param upTimeout longest wait for the cluster to form
 * @param tls       TLS for the cluster transport (every node of a cluster has it, or none); empty: plain TCP
 */
public record ClusterSettings(String host, int port, List<Seed> seeds, boolean driver, Duration upTimeout, Optional<ClusterTls> tls) {
    public static final String DRIVER_ROLE = "sim-driver";

    /** One seed node. */
    public record Seed(String host, int port) {
        public Seed {
            checkHost(host);
            if (port < 1 || port > 65535) throw new IllegalArgumentException("seed port must be 1..65535, not " + port);
        }

        @Override public String toString() { return host + ":" + port; }
    }

    public ClusterSettings {
        checkHost(host);
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, not " + port);
        seeds = List.copyOf(seeds);
        if (!driver && seeds.isEmpty()) throw new IllegalArgumentException("a joining node needs --seed-nodes (the driver's host:port)");
        if (upTimeout == null || upTimeout.isNegative() || upTimeout.isZero()) throw new IllegalArgumentException("up timeout must be positive");
        if (tls == null) throw new IllegalArgumentException("tls must be given (empty for plain TCP)");
    }

    /** Plain TCP between the nodes. */
    public ClusterSettings(String host, int port, List<Seed> seeds, boolean driver, Duration upTimeout) {
        this(host, port, seeds, driver, upTimeout, Optional.empty());
    }

    /** These settings with the cluster transport on {@code tls}. */
    public ClusterSettings withTls(ClusterTls tls) {
        return new ClusterSettings(host, port, seeds, driver, upTimeout, Optional.of(tls));
    }

    /** {@code host:port[,host:port...]}; an empty string is no seeds. */
    public static List<Seed> parseSeeds(String list) {
        List<Seed> out = new ArrayList<>();
        if (list == null || list.isBlank()) return out;
        for (String s : list.split(",")) {
            String t = s.trim();
            int colon = t.lastIndexOf(':');
            if (colon <= 0 || colon == t.length() - 1) throw new IllegalArgumentException("seed node must be host:port, not '" + clip(t) + "'");
            int port;
            try {
                port = Integer.parseInt(t.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("seed node port must be a number, not '" + clip(t) + "'");
            }
            out.add(new Seed(t.substring(0, colon), port));
        }
        return out;
    }

    private static void checkHost(String host) {
        if (host == null || host.isBlank() || !host.matches("[A-Za-z0-9.\\-:\\[\\]]{1,253}")) {
            throw new IllegalArgumentException("host must be a host name or address, not '" + clip(String.valueOf(host)) + "'");
        }
    }

    private static String clip(String s) { return s.length() <= 60 ? s : s.substring(0, 60) + "..."; }
}
