package dev.kinbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulateClusterTest {
    private static int simulate(Path dir, String... extra) {
        List<String> args = new ArrayList<>(List.of("--store", "memory", "--accounts", "1", "--duration", "1s", "--edits-per-day", "24",
                "--report", dir.resolve("report.json").toString(), "--plots", dir.resolve("plots").toString()));
        args.addAll(List.of(extra));
        return new CommandLine(new SimulateCommand()).execute(args.toArray(String[]::new));
    }

    @Test
    void simulate_withBadClusterOptions_isAUsageErrorAndWritesNothing(@TempDir Path dir) {
        assertEquals(2, simulate(dir, "--join"), "--join without --cluster");
        assertEquals(2, simulate(dir, "--cluster", "--join"), "--join without --seed-nodes");
        assertEquals(2, simulate(dir, "--cluster", "--join", "--seed-nodes", "driver-without-port"));
        assertEquals(2, simulate(dir, "--cluster", "--seed-nodes", "127.0.0.1:99999"));
        assertEquals(2, simulate(dir, "--cluster", "--nodes", "0"));
        assertEquals(2, simulate(dir, "--cluster", "--host", "bad host"));
        assertEquals(2, simulate(dir, "--cluster", "--cluster-timeout", "soon"));
        assertEquals(2, simulate(dir, "--cluster", "--removals-per-day", "-1"), "a bad removal rate is refused with --cluster as without");
        assertEquals(2, simulate(dir, "--cluster", "--expire-after", "13h"), "shorter than an offline spell allows (13h20m), as without");
        assertEquals(2, simulate(dir, "--cluster", "--expire-after", "soon"));
        assertEquals(2, simulate(dir, "--cluster", "--drops-per-day", "-1"), "a bad fault value is refused with --cluster as without");
        assertEquals(2, simulate(dir, "--cluster", "--gossip-share", "1.5"));
        assertEquals(2, simulate(dir, "--cluster-tls", dir.resolve("k.p12").toString()), "--cluster-tls without --cluster");
        assertEquals(2, simulate(dir, "--cluster", "--cluster-truststore", dir.resolve("t.p12").toString()), "a trust store without a key store");
        assertEquals(2, simulate(dir, "--cluster", "--cluster-tls", dir.resolve("missing.p12").toString()), "no such key store (or no password)");
        assertFalse(Files.exists(dir.resolve("report.json")));
    }

    @Test
    void simulateCluster_withFaultOptionsAndTheDefaultFaults_runsThemOnTheNodesAndHoldsEveryInvariant(@TempDir Path dir) throws Exception {
        // a one-node cluster (the driver alone): the run goes through the cluster protocol all the same; drops and incoming
        // mail at their defaults, the other fault options given
        int code = new CommandLine(new SimulateCommand()).execute("--store", "memory", "--report", dir.resolve("report.json").toString(),
                "--plots", dir.resolve("plots").toString(), "--cluster", "--nodes", "1", "--port", "0", "--cluster-timeout", "60s",
                "--accounts", "2", "--devices-per-account", "2-3", "--duration", "4s", "--edits-per-day", "24", "--seed", "3", "--restarts-per-day", "24",
                "--gossip-share", "0.5", "--latency", "1ms", "--max-clock-skew", "2h", "--rebuilds-per-day", "24");
        JsonNode j = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        assertEquals(0, code, j.toPrettyString());
        j.get("invariants").fields().forEachRemaining(e -> assertTrue(e.getValue().asBoolean(), e.getKey() + " false: " + j.toPrettyString()));
        assertEquals(0, j.get("step_errors").asInt(), j.toPrettyString());
        assertTrue(j.get("steps").path("Drop").asInt() > 0 && j.get("steps").path("ServerRestart").asInt() > 0, j.get("steps").toString());
        assertTrue(j.get("folder_rebuilds").asInt() > 0, "no folder rebuilt on the node: " + j.get("steps"));
        // a cluster run records its trace too: the journals come from the nodes, and they replay to the live digests
        assertEquals(dir.resolve("trace.kbt").toString(), j.get("trace").asText(), j.toPrettyString());
        var check = dev.kinbox.simulator.trace.TraceCheck.verify(dev.kinbox.simulator.trace.TraceFile.read(dir.resolve("trace.kbt")));
        assertTrue(check.ok() && check.liveDigests() > 0, check.toString());
    }

    @Test
    void simulateCluster_withRemovalsAndANonDefaultExpiry_removesOnTheNodeAndHoldsEveryInvariant(@TempDir Path dir) throws Exception {
        // a one-node cluster: removals at 4 a day and a 14 h expiry (the defaults' shortest is 13h20m); a short expiry taking
        // effect on two nodes is ClusterFleetTest's (at 3600x it is seconds of real time, too tight for a loaded machine here)
        int code = new CommandLine(new SimulateCommand()).execute("--store", "memory", "--report", dir.resolve("report.json").toString(),
                "--plots", dir.resolve("plots").toString(), "--cluster", "--nodes", "1", "--port", "0", "--cluster-timeout", "60s",
                "--accounts", "2", "--devices-per-account", "2-3", "--duration", "4s", "--edits-per-day", "24", "--seed", "21", "--removals-per-day", "4",
                "--expire-after", "14h");
        JsonNode j = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        assertEquals(0, code, j.toPrettyString());
        j.get("invariants").fields().forEachRemaining(e -> assertTrue(e.getValue().asBoolean(), e.getKey() + " false: " + j.toPrettyString()));
        assertEquals(0, j.get("step_errors").asInt(), j.toPrettyString());
        int removals = j.get("steps").path("Remove").asInt();
        assertTrue(removals > 0, j.get("steps").toString());
        assertTrue(j.get("devices_retired").asInt() >= removals, j.toPrettyString());
    }
}
