package dev.kinbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main job, {@code kinbox simulate}, with the default workload - 200 accounts of 2-5 devices on the
 * embedded GreenMail, churn and faults at their default rates - from the packaged jar in a JVM of its own. Only the
 * seed (for a failure to be replayable) and where the files go are given. About a minute on 2 cores alone.
 */
class DefaultSimulateIT {
    private static final Path JAR = Path.of("target", "kinbox.jar");

    @Test
    void theDefaultSimulation_ofTwoHundredAccountsOnGreenMail_holdsEveryInvariant(@TempDir Path dir) throws Exception {
        assertTrue(Files.exists(JAR), "package the cli first: " + JAR.toAbsolutePath());
        Path log = dir.resolve("simulate.log");
        Path report = dir.resolve("report.json");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(),
                "simulate", "--seed", "1", "--report", report.toString(), "--plots", dir.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start(); // to a file: a full pipe would stop the run
        if (!p.waitFor(8, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("kinbox simulate did not end within 8 minutes:\n" + tail(log));
        }
        assertEquals(0, p.exitValue(), tail(log));
        JsonNode j = new ObjectMapper().readTree(report.toFile());
        assertEquals(200, j.get("accounts").asInt(), "not the default's accounts");
        assertTrue(j.get("devices_started").asInt() >= 400, "2-5 devices an account: " + j.get("devices_started"));
        assertTrue(j.get("acked_edits").asInt() > 0, "no edit was acknowledged");
        for (Map.Entry<String, JsonNode> invariant : (Iterable<Map.Entry<String, JsonNode>>) j.get("invariants")::fields) {
            assertTrue(invariant.getValue().asBoolean(), invariant.getKey() + " failed: " + j.get("violations") + "\n" + tail(log));
        }
        assertEquals(0, j.get("lost_edits").asInt());
        assertEquals(0, j.get("forged_applied").asInt());
        assertTrue(Files.size(dir.resolve("trace.kbt")) > 0 && Files.exists(dir.resolve("report.html")), "no trace or report page");
    }

    /** The last lines of the run's output, for a failure's message. */
    private static String tail(Path log) throws java.io.IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
