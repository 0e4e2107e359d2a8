package dev.kinbox.simulator.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinbox.simulator.fleet.GossipCounts;
import dev.kinbox.simulator.fleet.JournalRefusals;
import dev.kinbox.simulator.run.FirstViolation;
import dev.kinbox.simulator.run.Invariants;
import dev.kinbox.simulator.run.Pacing;
import dev.kinbox.simulator.run.RunResult;
import dev.kinbox.simulator.run.Sample;
import dev.kinbox.simulator.run.Violation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

    static RunResult result(Invariants.Result check) {
        return result(check, List.of(), -1, 0);
    }

    static RunResult result(Invariants.Result check, List<FirstViolation> first, double stoppedAt, int notRun) {
        List<Sample> t = List.of(new Sample(0.1, 2, 1, 0, -1, 3, 1000), new Sample(0.2, 3, 2, 10, 42.0, 5, 2000),
                new Sample(0.3, 3, 3, 30, 17.0, 8, 1500), new Sample(1.4, 3, 3, 60, -1, 9, 1500));
        return new RunResult(99, "memory", 2, 3, 4, 3, Map.of("Edit", 12, "Join", 4), 0, 12, 1, 30, check, 20, 42, 42, 0, 8, 6, 2, 40, 321,
                Map.of("FORGE", 2, "DELETE", 1), 3, new JournalRefusals(5, 1, 2, 3, 4, 6, 7, 8, 12), new GossipCounts(10, 7, 1, 1, 1), 1.5, 0.4, 2000, 120.5, -1, 9.0, t, first, stoppedAt, notRun,
                new Pacing(6_300_000, 9_000_000, 2, 3.5), List.of("a note"));
    }

    @Test
    void reportJson_ofAHealthyRun_hasTheIssueKeysAndTrueInvariants(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("out/report.json");
        ReportJson.write(result(new Invariants.Result(true, 0, 0, true, 0, 0, List.of())), f);
        JsonNode j = new ObjectMapper().readTree(f.toFile());
        for (String k : List.of("seed", "accounts", "devices_peak", "events_applied", "converged", "divergent_devices", "lost_edits",
                "forged_applied", "convergence_lag_ms", "store_messages_per_account_max", "imap_ops", "wall_seconds", "peak_heap_bytes", "invariants")) {
            assertTrue(j.has(k), "missing " + k);
        }
        assertEquals(99, j.get("seed").asLong());
        assertEquals(42.0, j.get("convergence_lag_ms").get("p99").asDouble());
        assertTrue(j.get("invariants").get("converged").asBoolean());
        assertTrue(j.get("invariants").get("no_lost_edits").asBoolean());
        assertTrue(j.get("invariants").get("no_forged_applied").asBoolean());
        assertEquals(0, j.get("forged_applied").asInt());
        assertEquals(2, j.get("hostile_acts").get("FORGE").asInt());
        assertEquals(3, j.get("folder_rebuilds").asInt());
        assertEquals(5, j.get("journal_refusals").get("untrusted").asLong());
        assertEquals(3, j.get("journal_refusals").get("gaps").asLong());
        assertEquals(6, j.get("journal_refusals").get("passed_over").asLong());
        assertEquals(7, j.get("announcement_refusals").get("refused").asLong());
        assertEquals(8, j.get("announcement_refusals").get("impostors_deleted").asLong());
        assertEquals(4, j.get("folders_repaired").asLong());
        assertEquals(12, j.get("audit_repairs").asLong());
        assertEquals(10, j.get("gossip_mail").get("delivered").asLong());
        assertEquals(7, j.get("gossip_mail").get("opened").asLong());
        assertEquals(1, j.get("gossip_mail").get("unsent").asLong());
        assertTrue(j.get("invariants").get("silent_devices_retired").asBoolean());
        assertEquals(0, j.get("not_checked").size(), "every invariant of the issue is checked");
        assertEquals(0, j.get("violations").size());
        assertEquals(3, j.get("devices_paired_peak").asInt());
        assertEquals(6_300_000, j.get("pacing").get("lag_bound_ms").asLong());
        assertEquals(9_000_000, j.get("pacing").get("max_lag_ms").asLong());
        assertEquals(2, j.get("pacing").get("slowdowns").asInt());
        assertEquals(3.5, j.get("pacing").get("slowed_seconds").asDouble());
        assertEquals(0, j.get("first_violations").size());
        assertTrue(j.get("stopped_early").isNull());
        assertTrue(j.get("checked_during_run").toString().contains("no_forged_applied"), j.get("checked_during_run").toString());
    }

    @Test
    void reportJson_ofARunStoppedAtAForgery_saysWhenAndWhereEachInvariantWasFirstSeenViolated() {
        Violation forged = new Violation("no_forged_applied", "sim0@x.invalid", List.of("00000000000000aa"), List.of(), "held the marker at a sample");
        Violation lost = new Violation("no_lost_edits", "sim1@x.invalid", List.of("00000000000000cc"), List.of("00000000000000dd:3"), "1 missing");
        RunResult r = result(new Invariants.Result(true, 0, 1, true, 1, 0, List.of(forged, lost)),
                List.of(new FirstViolation(2.25, "steps", forged), new FirstViolation(9.5, "end", lost)), 2.3, 41);
        JsonNode j = ReportJson.of(r);
        JsonNode f = j.get("first_violations").get("no_forged_applied");
        assertEquals(2.25, f.get("seconds").asDouble());
        assertEquals("steps", f.get("phase").asText());
        assertEquals("sim0@x.invalid", f.get("account").asText());
        assertEquals("00000000000000aa", f.get("devices").get(0).asText());
        assertEquals("end", j.get("first_violations").get("no_lost_edits").get("phase").asText());
        assertEquals(2.3, j.get("stopped_early").get("seconds").asDouble());
        assertEquals(41, j.get("stopped_early").get("steps_not_run").asInt());
        String html = HtmlReport.render(r, Map.of());
        assertTrue(html.contains("First seen violated") && html.contains("<td>no_forged_applied</td><td>2.3</td><td>steps</td>"), html);
    }

    @Test
    void reportJson_ofABrokenRun_namesAccountDevicesAndDots() {
        Violation v = new Violation("no_lost_edits", "sim0@x.invalid", List.of("00000000000000aa"), List.of("00000000000000bb:7"), "1 missing");
        JsonNode j = ReportJson.of(result(new Invariants.Result(true, 0, 1, true, 0, 0, List.of(v))));
        assertFalse(j.get("invariants").get("no_lost_edits").asBoolean());
        JsonNode x = j.get("violations").get(0);
        assertEquals("sim0@x.invalid", x.get("account").asText());
        assertEquals("00000000000000aa", x.get("devices").get(0).asText());
        assertEquals("00000000000000bb:7", x.get("missing_dots").get(0).asText());
    }

    @Test
    void reportJson_ofARunThatAppliedAForgery_countsItAndFailsNoForgedApplied() {
        Violation v = new Violation("no_forged_applied", "sim0@x.invalid", List.of("00000000000000aa"), List.of(), "held the marker");
        JsonNode j = ReportJson.of(result(new Invariants.Result(true, 0, 0, true, 1, 0, List.of(v))));
        assertEquals(1, j.get("forged_applied").asInt());
        assertFalse(j.get("invariants").get("no_forged_applied").asBoolean());
        assertEquals("no_forged_applied", j.get("violations").get(0).get("invariant").asText());
    }

    @Test
    void devicesChart_drawsRunningAndPairedDevicesOverTime() {
        var c = Charts.devices(result(new Invariants.Result(true, 0, 0, true, 0, 0, List.of())).timeline());
        assertEquals(List.of("running", "paired (in their own state)"), List.copyOf(c.getSeriesMap().keySet()));
        assertArrayEquals(new double[] {1, 2, 3, 3}, c.getSeriesMap().get("paired (in their own state)").getYData());
        assertArrayEquals(new double[] {2, 3, 3, 3}, c.getSeriesMap().get("running").getYData());
    }

    @Test
    void charts_andHtml_areWrittenAsPngsAndOneSelfContainedPage(@TempDir Path dir) throws Exception {
        RunResult r = result(new Invariants.Result(true, 0, 0, true, 0, 0, List.of()));
        Map<String, byte[]> pngs = Charts.render(r);
        assertEquals(List.of("convergence-lag.png", "devices.png", "events-per-second.png", "store-messages.png"), List.copyOf(pngs.keySet()));
        for (Path p : Charts.write(pngs, dir)) assertArrayEquals(PNG_MAGIC, Arrays.copyOf(Files.readAllBytes(p), 4), p.toString());
        String html = Files.readString(HtmlReport.write(r, pngs, dir.resolve("report.html")));
        assertEquals(4, html.split("data:image/png;base64,", -1).length - 1);
        assertTrue(html.contains("All checked invariants hold") && html.contains("devices_peak"), html.substring(0, 300));
        assertFalse(html.contains("src=\"http"), "the page must not load anything");
    }
}
