package dev.kinbox.simulator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.simulator.fleet.HostedFleet;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.run.Progress;
import dev.kinbox.simulator.run.RunOptions;
import dev.kinbox.simulator.run.RunResult;
import dev.kinbox.simulator.run.Runner;
import dev.kinbox.simulator.run.VirtualClock;
import dev.kinbox.simulator.workload.Schedule;
import dev.kinbox.simulator.workload.Workload;
import dev.kinbox.simulator.workload.WorkloadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster transport on TLS: nodes holding the cluster's key form a cluster and run a schedule;
 * a node with another key, or without TLS, does not get in. Key stores are made with the JDK's
 * keytool, as docs/SIMULATOR.md tells users to.
 */
class ClusterTlsTest {
    private static final String PASSWORD = "cluster-test-pass";
    private static final Duration UP = Duration.ofSeconds(60);
    @TempDir static Path dir;
    static Path cluster, stranger;

    @BeforeAll
    static void keyStores() throws Exception {
        cluster = keyStore("cluster.p12");
        stranger = keyStore("stranger.p12");
    }

    /** A PKCS12 store with one EC P-256 key and its self-signed certificate; the password goes to keytool through its environment. */
    static Path keyStore(String name) throws Exception {
        Path f = dir.resolve(name);
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=kinbox-sim", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", f.toString(), "-storepass:env", "KT_PASSWORD", "-keypass:env", "KT_PASSWORD")
                .redirectErrorStream(true);
        pb.environment().put("KT_PASSWORD", PASSWORD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool: " + out);
        return f;
    }

    private static ClusterSettings driver(Path keys, Duration up) {
        return ClusterFleetTest.driver(up).withTls(ClusterTls.open(keys, keys, PASSWORD));
    }

    private static ClusterSettings joining(ClusterNode seed, Duration up) {
        return ClusterFleetTest.joining(seed, up);
    }

    @Test
    void twoNodesHoldingTheClustersKey_formTheClusterOverTls_andRunAScheduleHoldingEveryInvariant() throws Exception {
        Schedule s = Workload.generate(5, new WorkloadOptions(2, 2, 3, Duration.ofHours(2), 150, 3, 2, 0, 0, Duration.ofMinutes(30), 0, 10_000));
        Roster roster = Roster.generate(2, s.options().slotsPerAccount(), "cluster.tls.invalid", Crypto.standard());
        VirtualClock clock = new VirtualClock(Instant.parse("2030-01-01T00:00:00Z"), 3600, System::nanoTime);
        ClusterNode first = ClusterNode.start(driver(cluster, UP));
        try (ClusterNode second = ClusterNode.start(joining(first, UP).withTls(ClusterTls.open(cluster, cluster, PASSWORD)));
             ClusterFleet fleet = ClusterFleet.open(first, 2, roster, "memory", clock, HostedFleet.Options.defaults())) {
            assertTrue(first.address().toString().startsWith("pekko://"), first.address().toString());
            RunResult r = new Runner(fleet, new RunOptions(3600, Duration.ofSeconds(20), Duration.ofMillis(100)), Progress.NONE).run(s, "memory");
            assertTrue(r.ok(), r.check().violations() + " " + r.notes());
            assertTrue(r.ackedEdits() > 5, "few edits acknowledged: " + r.ackedEdits());
            Map<String, ClusterFleet.NodeCounters> nodes = fleet.nodeCounters();
            assertEquals(2, nodes.size(), nodes.toString());
            nodes.forEach((address, c) -> assertTrue(c.starts() > 0, address + " hosted no device: " + c));
        }
    }

    @Test
    void aNodeWithAnotherKey_orWithoutTls_doesNotGetIn() throws Exception {
        Duration shortUp = Duration.ofSeconds(6);
        try (ClusterNode first = ClusterNode.start(driver(cluster, UP))) {
            first.awaitUp(1);
            try (ClusterNode strangerNode = ClusterNode.start(joining(first, shortUp).withTls(ClusterTls.open(stranger, stranger, PASSWORD)))) {
                assertThrows(ClusterNode.ClusterUnavailable.class, () -> strangerNode.awaitUp(2), "a certificate the cluster does not trust");
            }
            try (ClusterNode plain = ClusterNode.start(joining(first, shortUp))) {
                assertThrows(ClusterNode.ClusterUnavailable.class, () -> plain.awaitUp(2), "plain TCP to a TLS node");
            }
            assertEquals(1, first.up().size(), "the cluster still has only its own node");
        }
    }

    @Test
    void badStoresOrPasswords_areClearErrorsNamingTheFile_neverThePassword() throws Exception {
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> ClusterTls.open(cluster, cluster, "not-the-password"));
        assertTrue(wrong.getMessage().contains(cluster.toString()) && !wrong.getMessage().contains("not-the-password"), wrong.getMessage());
        Path missing = dir.resolve("missing.p12");
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> ClusterTls.open(missing, missing, PASSWORD));
        assertTrue(none.getMessage().contains(missing.toString()), none.getMessage());
        Path junk = Files.writeString(dir.resolve("junk.p12"), "not a key store");
        assertThrows(IllegalArgumentException.class, () -> ClusterTls.open(junk, junk, PASSWORD));
        IllegalArgumentException noPassword = assertThrows(IllegalArgumentException.class, () -> ClusterTls.open(cluster, cluster, Map.of()));
        assertTrue(noPassword.getMessage().contains(ClusterTls.ENV_PASSWORD), noPassword.getMessage());

        Path pwFile = Files.writeString(dir.resolve("pw"), PASSWORD + "\n");
        ClusterTls fromFile = ClusterTls.open(cluster, cluster, Map.of(ClusterTls.ENV_PASSWORD_FILE, pwFile.toString()));
        assertFalse(fromFile.toString().contains(PASSWORD), fromFile.toString());
        assertFalse(driver(cluster, UP).toString().contains(PASSWORD), "settings print no password");
    }
}
