package dev.kinbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulateClusterTest {
    private static int simulate(Path dir, String... extra) {
        List<String> args = new ArrayList<>(List.of("--store", "memory", "--accounts", "1", "--duration", "1s",
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
        assertEquals(2, simulate(dir, "--cluster", "--removals-per-day", "1"), "removal runs in one JVM only");
        assertEquals(2, simulate(dir, "--cluster", "--expire-after", "20h"), "the nodes expire after 30d");
        assertFalse(Files.exists(dir.resolve("report.json")));
    }
}
