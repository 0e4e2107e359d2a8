package dev.kinbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kinbox simulate --cluster} across two JVMs on loopback, the way docs/SIMULATOR.md shows it:
 * one packaged {@code kinbox.jar} process joins, another drives the schedule; both exit by themselves.
 */
class ClusterJarIT {
    private static final Path JAR = Path.of("target", "kinbox.jar");
    private static final Pattern NODE = Pattern.compile("node (pekko://\\S+): (\\d+) device starts");

    private static Process kinbox(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-jar",
                JAR.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void simulateCluster_ofADriverAndAJoiningJvm_holdsTheInvariantsWithDevicesOnBothNodes(@TempDir Path dir) throws Exception {
        assertTrue(Files.exists(JAR), "package the cli first: " + JAR.toAbsolutePath());
        int port = freePort();
        Process joiner = kinbox(dir.resolve("joiner.log"), "simulate", "--cluster", "--join", "--host", "127.0.0.1", "--port", "0",
                "--seed-nodes", "127.0.0.1:" + port, "--cluster-timeout", "90s");
        Process driver = kinbox(dir.resolve("driver.log"), "simulate", "--cluster", "--nodes", "2", "--host", "127.0.0.1", "--port",
                String.valueOf(port), "--cluster-timeout", "90s", "--store", "memory", "--accounts", "4", "--devices-per-account", "2-3",
                "--duration", "4s", "--edits-per-day", "24", "--seed", "5", "--report", dir.resolve("report.json").toString(), "--plots", dir.toString());
        try {
            boolean driverDone = driver.waitFor(150, TimeUnit.SECONDS);
            boolean joinerDone = joiner.waitFor(60, TimeUnit.SECONDS);
            String out = Files.readString(dir.resolve("driver.log"));
            String joined = Files.readString(dir.resolve("joiner.log"));
            assertTrue(driverDone && joinerDone, "did not finish: driver " + driverDone + " joiner " + joinerDone + "\n" + out + "\n" + joined);
            assertEquals(0, driver.exitValue(), out);
            assertEquals(0, joiner.exitValue(), joined);
            JsonNode j = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
            for (String inv : List.of("converged", "no_lost_edits", "store_bounded", "all_steps_executed")) {
                assertTrue(j.path("invariants").path(inv).asBoolean(), inv + " " + j);
            }
            assertTrue(j.path("acked_edits").asLong() > 0, j.toString());
            Matcher m = NODE.matcher(out);
            int nodes = 0;
            while (m.find()) {
                nodes++;
                assertTrue(Integer.parseInt(m.group(2)) > 0, "node " + m.group(1) + " hosted no device:\n" + out);
            }
            assertEquals(2, nodes, out);
        } finally {
            driver.destroyForcibly();
            joiner.destroyForcibly();
        }
    }
}
