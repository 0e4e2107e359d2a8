package dev.kinbox.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The mailstore benchmark runs end to end with --quick and reports the documented keys with sane values. */
class MailstoreBenchIT {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private static BenchResult runQuick(String store) throws Exception {
        List<BenchResult> rs = new MailstoreBench().run(new BenchContext(store, OptionalInt.empty(), 1, true, QUIET));
        assertEquals(1, rs.size());
        return rs.get(0);
    }

    private static void assertDocumentedKeys(BenchResult r, String store) {
        Map<String, Object> f = r.figures();
        assertEquals(store, f.get("store"));
        for (String k : List.of("append_single_per_s", "append_batch_per_s", "fetch_per_s", "create_select_per_s")) {
            assertTrue(f.get(k) instanceof Double d && d > 0, k + " = " + f.get(k));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> lat = (Map<String, Object>) f.get("notify_latency_ms");
        double p50 = (Double) lat.get("p50");
        double p99 = (Double) lat.get("p99");
        assertTrue(p50 > 0 && p99 >= p50, lat.toString());
        assertEquals(200, f.get("fetch_folder_messages"));
        assertTrue(List.copyOf(f.keySet()).subList(0, 6).equals(List.of("store", "append_single_per_s", "append_batch_per_s",
                "fetch_per_s", "notify_latency_ms", "create_select_per_s")), f.keySet().toString());
    }

    @Test
    void quickRun_onMemory_reportsAllFigures() throws Exception {
        assertDocumentedKeys(runQuick("memory"), "memory");
    }

    @Test
    void quickRun_onGreenMail_reportsAllFiguresAndPollLatency() throws Exception {
        BenchResult r = runQuick("greenmail");
        assertDocumentedKeys(r, "greenmail");
        assertEquals("idle", r.figures().get("notify_mode"));
        assertTrue(r.figures().containsKey("notify_latency_poll_ms"));
    }
}
