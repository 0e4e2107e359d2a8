package dev.kinbox.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The crdt benchmark runs end to end with --quick (it writes LevelDB to a temp dir) and reports the documented keys. */
class CrdtBenchIT {
    @Test
    void quickRun_reportsEveryDocumentedFigure() throws Exception {
        List<BenchResult> rs = new CrdtBench().run(new BenchContext("memory", OptionalInt.empty(), 1, true,
                new PrintStream(OutputStream.nullOutputStream())));
        assertEquals(1, rs.size());
        Map<String, Object> f = rs.get(0).figures();
        for (String k : List.of("delta_joins_per_s", "snapshot_encode_mb_per_s", "snapshot_decode_mb_per_s", "bytes_per_peer",
                "leveldb_append_fsync_events_per_s", "leveldb_append_nofsync_events_per_s")) {
            assertTrue(f.get(k) instanceof Number n && n.doubleValue() > 0, k + " = " + f.get(k));
        }
    }
}
