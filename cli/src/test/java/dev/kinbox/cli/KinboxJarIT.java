package dev.kinbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** Runs the packaged {@code kinbox.jar} the way the launcher does: a separate JVM, nothing else on the class path. */
class KinboxJarIT {
    private static final Path JAR = Path.of("target", "kinbox.jar");

    private static String run(List<String> args, int expectedExit) throws IOException, InterruptedException {
        assertTrue(Files.exists(JAR), "package the cli first: " + JAR.toAbsolutePath());
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kinbox " + args + " did not finish in 60 s");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(expectedExit, p.exitValue(), out);
        return out;
    }

    @Test
    void jar_printsVersion() throws Exception {
        assertTrue(run(List.of("--version"), 0).startsWith("kinbox "));
    }

    @Test
    void jar_simulateTinyOnMemory_holdsTheInvariantsAndWritesTheReport() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("kinbox-sim-it");
        String out = run(List.of("simulate", "--store", "memory", "--accounts", "1", "--devices-per-account", "2", "--duration", "2s", "--edits-per-day", "24",
                "--seed", "3", "--report", dir.resolve("report.json").toString(), "--plots", dir.toString()), 0);
        assertTrue(out.contains("all checked invariants hold"), out);
        assertTrue(java.nio.file.Files.size(dir.resolve("report.json")) > 0 && java.nio.file.Files.exists(dir.resolve("report.html")), out);
    }

    @Test
    void jar_keepsEveryPekkoReferenceConf() throws Exception {
        String merged;
        try (JarFile jar = new JarFile(JAR.toFile())) {
            merged = new String(jar.getInputStream(jar.getEntry("reference.conf")).readAllBytes(), StandardCharsets.UTF_8);
        }
        // One marker from each Pekko module's own reference.conf: a jar that kept only one would miss the others.
        for (String marker : List.of("pekko {", "persistence {", "cluster {", "sharding {", "stream {", "serialization-bindings")) {
            assertTrue(merged.contains(marker), "merged reference.conf lacks '" + marker + "'");
        }
    }
}
