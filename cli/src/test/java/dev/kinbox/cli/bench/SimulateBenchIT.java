package dev.kinbox.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The simulate benchmark runs a tiny size list end to end and reports the documented keys per size. */
class SimulateBenchIT {
    @Test
    void quickRunOfTwoSizes_reportsEveryDocumentedFigurePerSize_andTheInvariantsHold() throws Exception {
        List<BenchResult> rs = new SimulateBench().run(new BenchContext("memory", OptionalInt.empty(), 1, true,
                new PrintStream(OutputStream.nullOutputStream()), List.of(8, 12), Duration.ofMinutes(5)));
        assertEquals(1, rs.size());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sizes = (List<Map<String, Object>>) rs.get(0).figures().get("sizes");
        assertEquals(2, sizes.size());
        for (int i = 0; i < 2; i++) {
            Map<String, Object> s = sizes.get(i);
            assertEquals(List.of(8, 12).get(i), s.get("devices"), s.toString());
            assertEquals(true, s.get("reached"), s.toString());
            for (String k : List.of("wall_seconds", "events_per_s")) {
                assertTrue(s.get(k) instanceof Number n && n.doubleValue() > 0, k + " = " + s.get(k));
            }
            assertTrue(s.get("heap_bytes_per_device") instanceof Number, "heap_bytes_per_device = " + s.get("heap_bytes_per_device"));
            // the steps are paced: they fell behind the devices' clock by less than the 30-day expiry's bound, 3.75 days
            // (0 when every step was done within a look of the pacer, 10 ms: these are a few fast steps)
            long behind = ((Number) s.get("steps_behind_max_ms")).longValue();
            assertTrue(behind >= 0 && behind < 324_000_000L, "steps_behind_max_ms = " + behind);
            assertEquals(0.0, ((Number) s.get("clock_slowed_seconds")).doubleValue(), s.toString());
            @SuppressWarnings("unchecked")
            Map<String, Object> lag = (Map<String, Object>) s.get("convergence_lag_ms");
            assertTrue(((Number) lag.get("p50")).doubleValue() >= 0, lag.toString());
            assertTrue(((Number) lag.get("p99")).doubleValue() >= ((Number) lag.get("p50")).doubleValue(), lag.toString());
            assertEquals(true, s.get("invariants_hold"), s.toString());
        }
        assertEquals(true, rs.get(0).figures().get("all_invariants_hold"));
    }

    @Test
    void onGreenMail_aSmallSizeRunsTheSameScenario_andTheInvariantsHold() throws Exception {
        List<BenchResult> rs = new SimulateBench().run(new BenchContext("greenmail", OptionalInt.empty(), 1, true,
                new PrintStream(OutputStream.nullOutputStream()), List.of(8), Duration.ofMinutes(5)));
        assertEquals("greenmail", rs.get(0).figures().get("store"));
        @SuppressWarnings("unchecked")
        Map<String, Object> s = ((List<Map<String, Object>>) rs.get(0).figures().get("sizes")).get(0);
        assertEquals(true, s.get("reached"), s.toString());
        assertTrue(((Number) s.get("store_ops")).longValue() > 0, s.toString());
        assertEquals(true, s.get("invariants_hold"), s.toString());
    }

    @Test
    void aSizeOverItsTimeLimit_isReportedNotReached_andStopsTheSizesAfterIt() throws Exception {
        List<BenchResult> rs = new SimulateBench().run(new BenchContext("memory", OptionalInt.empty(), 1, true,
                new PrintStream(OutputStream.nullOutputStream()), List.of(8, 12), Duration.ofSeconds(2)));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sizes = (List<Map<String, Object>>) rs.get(0).figures().get("sizes");
        assertEquals(1, sizes.size(), "the size after one not reached is not run");
        assertEquals(false, sizes.get(0).get("reached"), sizes.toString());
        assertTrue(sizes.get(0).get("got_to") instanceof Map<?, ?>, sizes.toString());
        assertTrue(sizes.get(0).get("heap_bytes_per_device") instanceof Number, sizes.toString());
        assertTrue(sizes.get(0).get("devices_running") instanceof Number n && n.intValue() >= 0, sizes.toString());
        assertEquals(false, rs.get(0).figures().get("all_invariants_hold"));
    }
}
