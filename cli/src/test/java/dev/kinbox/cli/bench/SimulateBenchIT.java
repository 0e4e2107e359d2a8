package dev.kinbox.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The simulate benchmark runs one small size end to end and reports the documented keys per size. */
class SimulateBenchIT {
    @Test
    void quickRunOfOneSize_reportsEveryDocumentedFigure_andTheInvariantsHold() throws Exception {
        List<BenchResult> rs = new SimulateBench().run(new BenchContext("memory", OptionalInt.of(12), 1, true,
                new PrintStream(OutputStream.nullOutputStream())));
        assertEquals(1, rs.size());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sizes = (List<Map<String, Object>>) rs.get(0).figures().get("sizes");
        assertEquals(1, sizes.size());
        Map<String, Object> s = sizes.get(0);
        assertEquals(12, s.get("devices"));
        for (String k : List.of("wall_seconds", "events_per_s")) {
            assertTrue(s.get(k) instanceof Number n && n.doubleValue() > 0, k + " = " + s.get(k));
        }
        assertTrue(s.get("heap_bytes_per_device") instanceof Number, "heap_bytes_per_device = " + s.get("heap_bytes_per_device"));
        @SuppressWarnings("unchecked")
        Map<String, Object> lag = (Map<String, Object>) s.get("convergence_lag_ms");
        assertTrue(((Number) lag.get("p99")).doubleValue() >= ((Number) lag.get("p50")).doubleValue(), lag.toString());
        assertEquals(true, s.get("invariants_hold"), s.toString());
    }
}
