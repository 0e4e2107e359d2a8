package dev.kinbox.persistence.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM (SIGKILL via destroyForcibly) while it appends batches, then checks that every
 * batch is in the store entirely or not at all, that the cursor matches the events, and that every
 * batch the child saw acknowledged survived.
 */
class CrashSafetyIT {
    @TempDir
    Path dir;

    @Test
    void processKilledMidBatch_leavesEachBatchWholeOrAbsent() throws Exception {
        Random r = new Random(4);
        long acknowledged = 0;
        for (int round = 0; round < 6; round++) {
            boolean nativeLib = round % 2 == 0;
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), dir.toString(),
                    Boolean.toString(nativeLib)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                int wanted = 1 + r.nextInt(15);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
                int seen = 0;
                String line;
                while (seen < wanted && System.nanoTime() < deadline && (line = out.readLine()) != null) {
                    if (line.startsWith("ok ")) {
                        acknowledged = Long.parseLong(line.substring(3));
                        seen++;
                    }
                }
                assertTrue(seen > 0, "child wrote nothing in round " + round);
                // kill just after the child announces its next batch: inside LevelDB's write or fsync
                while (System.nanoTime() < deadline && (line = out.readLine()) != null && !line.startsWith("begin ")) {
                    if (line.startsWith("ok ")) acknowledged = Long.parseLong(line.substring(3));
                }
                if (r.nextBoolean()) Thread.sleep(r.nextInt(3));
            } finally {
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
            }
            try (LevelDbLocalLog log = LevelDbLocalLog.open(dir, new LevelDbLocalLog.Settings(true, !nativeLib))) {
                long h = log.highestSequenceNr("pid");
                assertEquals(0, h % 100, "partial batch: highest is " + h);
                assertTrue(h >= acknowledged, "acknowledged " + acknowledged + " but only " + h + " survived");
                List<LogEntry> all = log.read("pid", 1, Long.MAX_VALUE, Integer.MAX_VALUE);
                assertEquals(h, all.size());
                for (LogEntry e : all) assertArrayEquals(CrashChild.payload(e.sequenceNr()), e.payload());
                assertEquals(h, log.cursor("source").orElseThrow().lastSequenceNr(), "cursor disagrees with events");
                acknowledged = h;
            }
        }
    }
}
