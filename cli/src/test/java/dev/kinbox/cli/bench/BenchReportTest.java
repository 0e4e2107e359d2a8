package dev.kinbox.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static BenchResult result(String store, double rate) {
        return BenchResult.of(store).put("store", store).put("rate_per_s", rate).percentiles("lat_ms", 1.5, 9.25).build();
    }

    @Test
    void singleResult_isWrittenAsOneFlatObjectWithMachine() throws Exception {
        JsonNode n = JSON.readTree(new BenchReport("x", List.of(result("memory", 1234.5))).toJson());
        assertEquals("x", n.get("target").asText());
        assertEquals("memory", n.get("store").asText());
        assertEquals(1234.5, n.get("rate_per_s").asDouble());
        assertEquals(9.25, n.get("lat_ms").get("p99").asDouble());
        assertTrue(n.get("machine").get("cores").asInt() >= 1);
    }

    @Test
    void severalResults_areWrittenAsAList() throws Exception {
        JsonNode n = JSON.readTree(new BenchReport("x", List.of(result("a", 1), result("b", 2))).toJson());
        assertEquals(2, n.get("results").size());
        assertEquals("b", n.get("results").get(1).get("store").asText());
    }

    @Test
    void table_hasOneColumnPerSubjectAndFlattenedRows() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        new BenchReport("x", List.of(result("a", 1), result("b", 2)))
                .printTable(new PrintStream(buf, true, StandardCharsets.UTF_8));
        String table = buf.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("lat_ms.p50"), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("figure") && l.contains("a") && l.contains("b")), table);
    }

    @Test
    void table_showsAListOfSizesAsRowsPerSize_andCutsLongCells() {
        BenchResult r = BenchResult.of("memory").put("sizes", List.of(
                java.util.Map.of("devices", 1000, "notes", List.of("n".repeat(200))),
                java.util.Map.of("devices", 10000))).build();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        new BenchReport("simulate", List.of(r)).printTable(new PrintStream(buf, true, StandardCharsets.UTF_8));
        String table = buf.toString(StandardCharsets.UTF_8);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("sizes[0].devices") && l.endsWith("1000")), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("sizes[1].devices") && l.endsWith("10000")), table);
        assertTrue(table.lines().allMatch(l -> l.length() < 120), table);
        assertTrue(table.contains("nnn..."), table);
    }

    @Test
    void noResults_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> new BenchReport("x", List.of()));
    }

    @Test
    void stats_medianAndPercentile() {
        assertEquals(2.0, Stats.median(3, 1, 2));
        assertEquals(2.5, Stats.median(4, 1, 2, 3));
        double[] s = new double[100];
        for (int i = 0; i < 100; i++) s[i] = i + 1;
        assertEquals(50.0, Stats.percentile(s, 0.5));
        assertEquals(99.0, Stats.percentile(s, 0.99));
    }
}
