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

/** The pairing benchmark pairs two devices end to end with --quick (LevelDB in temp dirs) and reports the documented keys. */
class PairingBenchIT {
    @Test
    void quickRun_onMemoryAndGreenMail_reportsEveryDocumentedFigure() throws Exception {
        for (String store : List.of("memory", "greenmail")) {
            List<BenchResult> rs = new PairingBench().run(new BenchContext(store, OptionalInt.empty(), 1, true,
                    new PrintStream(OutputStream.nullOutputStream())));
            assertEquals(1, rs.size());
            Map<String, Object> f = rs.get(0).figures();
            assertEquals(1, f.get("runs"));
            for (String k : List.of("first_start_ms", "second_start_ms", "store_ops_per_pairing")) {
                assertTrue(f.get(k) instanceof Number n && n.doubleValue() > 0, store + ": " + k + " = " + f.get(k));
            }
            assertTrue(f.get("pairing_ms") instanceof Map<?, ?> p && p.get("p50") instanceof Number n && n.doubleValue() > 0,
                    store + ": pairing_ms = " + f.get("pairing_ms"));
        }
    }

    @Test
    void anExistingServer_isRefused_forItCannotGiveEachRunAFreshAccount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PairingBench().run(new BenchContext(
                "imap://u@127.0.0.1:1", OptionalInt.empty(), 1, true, new PrintStream(OutputStream.nullOutputStream()))));
        assertTrue(e.getMessage().contains("fresh account"), e.getMessage());
    }
}
