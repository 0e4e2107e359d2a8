package dev.kinbox.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The idle benchmark pairs an account's devices, counts what they ask of the store while idle, and times an edit to the sibling. */
class IdleBenchIT {
    static BenchContext quick(String store, int devices) {
        return new BenchContext(store, OptionalInt.of(devices), 1, true, new PrintStream(OutputStream.nullOutputStream()));
    }

    @Test
    void quickRun_onGreenMail_reportsEveryDocumentedFigure() throws Exception {
        List<BenchResult> rs = new IdleBench().run(quick("greenmail", 2));
        assertEquals(1, rs.size());
        Map<String, Object> f = rs.get(0).figures();
        assertEquals(2, f.get("devices"));
        assertEquals(IdleBench.QUICK_WINDOW_S, f.get("idle_seconds"));
        // a quick window is shorter than the 30 s sweep: it may count nothing, and never a negative or a missing figure
        assertTrue(f.get("store_ops_per_device_hour") instanceof Number n && n.doubleValue() >= 0, "ops: " + f);
        assertTrue(f.get("store_ops_per_device_hour_by_command") instanceof Map<?, ?> m
                && m.values().stream().allMatch(v -> v instanceof Number x && x.doubleValue() > 0), "by command: " + f);
        assertTrue(f.get("edit_seen_ms") instanceof Map<?, ?> p && p.get("p50") instanceof Number n && n.doubleValue() > 0, "edit seen: " + f);
    }

    @Test
    void anExistingServerOrALoneDevice_isRefused() {
        IllegalArgumentException server = assertThrows(IllegalArgumentException.class, () -> new IdleBench().run(quick("imap://u@127.0.0.1:1", 2)));
        assertTrue(server.getMessage().contains("fresh account"), server.getMessage());
        IllegalArgumentException lone = assertThrows(IllegalArgumentException.class, () -> new IdleBench().run(quick("memory", 1)));
        assertTrue(lone.getMessage().contains("--devices"), lone.getMessage());
    }
}
