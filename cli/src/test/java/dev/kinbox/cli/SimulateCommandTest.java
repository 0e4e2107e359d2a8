package dev.kinbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.SettingsEvent;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.fleet.ForwardingFleet;
import dev.kinbox.simulator.fleet.HostileProvider;
import dev.kinbox.simulator.fleet.LosingFleet;
import dev.kinbox.simulator.workload.DeviceRef;
import java.util.concurrent.CompletionStage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulateCommandTest {
    private record Ran(int code, String out) {}

    private static Ran simulate(SimulateCommand cmd, Path dir, String... extra) {
        List<String> base = List.of("--store", "memory", "--accounts", "1", "--devices-per-account", "2", "--duration", "3s",
                "--edits-per-day", "24", "--seed", "11", "--report", dir.resolve("report.json").toString(), "--plots", dir.resolve("plots").toString());
        // an option in extra replaces the base's: picocli refuses an option given twice, so a bad value repeated
        // after a good one would fail for that reason and not for the value under test
        List<String> args = new ArrayList<>();
        for (int i = 0; i < base.size(); i += 2) {
            if (!List.of(extra).contains(base.get(i))) args.addAll(base.subList(i, i + 2));
        }
        args.addAll(List.of(extra));
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(cmd).execute(args.toArray(String[]::new));
            return new Ran(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void simulate_tinyOnMemory_exitsZeroWithTrueInvariantsInReportJson(@TempDir Path dir) throws Exception {
        Ran r = simulate(new SimulateCommand(), dir, "--stop-on-violation"); // nothing to stop at: the whole schedule runs
        assertEquals(0, r.code(), r.out());
        JsonNode j = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        assertEquals(11, j.get("seed").asLong());
        assertTrue(j.get("stopped_early").isNull(), j.toPrettyString());
        assertEquals(0, j.get("first_violations").size(), j.toPrettyString());
        int paired = j.get("devices_paired_peak").asInt();
        assertTrue(paired >= 1 && paired <= j.get("devices_started").asInt(), j.toPrettyString());
        assertTrue(j.get("converged").asBoolean(), j.toPrettyString());
        assertTrue(j.get("invariants").get("silent_devices_retired").asBoolean(), j.toPrettyString());
        j.get("invariants").fields().forEachRemaining(e -> assertTrue(e.getValue().asBoolean(), e.getKey() + " false: " + j.toPrettyString()));
        assertTrue(j.get("acked_edits").asLong() > 0, "nothing was edited");
        assertTrue(Files.exists(dir.resolve("plots/report.html")) && Files.exists(dir.resolve("plots/convergence-lag.png")));
        assertTrue(r.out().contains("all checked invariants hold"), r.out());
        // the command drives the devices' clock, so it is paced: the bound is an eighth of the 30-day expiry
        assertEquals(324_000_000L, j.get("pacing").get("lag_bound_ms").asLong(), j.toPrettyString());
        assertTrue(r.out().contains("steps behind max") && r.out().contains("(bound 90.00 h;"), r.out());
        assertEquals(dir.resolve("trace.kbt").toString(), j.get("trace").asText(), "the trace goes next to the report");
        assertTrue(Files.size(dir.resolve("trace.kbt")) > 12, "empty trace");
        assertTrue(Files.readString(dir.resolve("plots/report.html")).contains("<th>trace</th><td>" + dir.resolve("trace.kbt")), "the page names the trace");
    }

    @Test
    void simulate_withWeightedDeviceCounts_startsAccountsOnlyWithTheCountsGiven(@TempDir Path dir) throws Exception {
        Ran r = simulate(new SimulateCommand(), dir, "--accounts", "4", "--devices-per-account", "1:1,3:2", "--duration", "1s");
        assertEquals(0, r.code(), r.out());
        JsonNode j = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        var workload = dev.kinbox.simulator.trace.TraceFile.read(dir.resolve("trace.kbt")).workload();
        assertEquals(List.of(1, 0, 2), workload.deviceWeights(), "the trace keeps the distribution, so replay regenerates the schedule");
        var schedule = dev.kinbox.simulator.workload.Workload.generate(11, workload.options());
        java.util.Map<Integer, Integer> initial = new java.util.HashMap<>();
        for (var s : schedule.steps()) {
            if (s instanceof dev.kinbox.simulator.workload.Step.Join join && join.at() == 0) initial.merge(join.device().account(), 1, Integer::sum);
        }
        assertEquals(4, initial.size());
        assertTrue(initial.values().stream().allMatch(n -> n == 1 || n == 3), initial.toString());
        assertTrue(j.get("devices_started").asInt() >= initial.values().stream().mapToInt(Integer::intValue).sum(), j.toPrettyString());
    }

    /** A broken fleet whose every device state comes back with the provider's forged setting applied (the same on all devices). */
    private static final class ForgingEverywhere extends ForwardingFleet {
        ForgingEverywhere(Fleet delegate) { super(delegate); }

        @Override public CompletionStage<AccountState> state(DeviceRef d) {
            String id = roster().device(new DeviceRef(d.account(), 0)).deviceId();
            return delegate.state(d).thenApply(s -> s.apply(new SettingsEvent.SettingChanged(new Dot(id, 1_000_000_001L),
                    new Hlc(Long.MAX_VALUE / 2, 0, id), HostileProvider.TARGET_KEY, HostileProvider.MARKER + "-let-through")));
        }
    }

    @Test
    void simulate_withStopOnViolation_onAFleetThatAppliesAForgery_stopsDuringTheStepsAndStillWritesReportAndTrace(@TempDir Path dir) throws Exception {
        SimulateCommand cmd = new SimulateCommand();
        cmd.fleetDecorator = ForgingEverywhere::new;
        Ran r = simulate(cmd, dir, "--stop-on-violation", "--edits-per-day", "2000"); // steps due all through the 3 s
        assertEquals(SimulateCommand.INVARIANT_FAILED, r.code(), r.out());
        assertTrue(r.out().contains("stopped early") && r.out().contains("FIRST VIOLATION at "), r.out());
        JsonNode j = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        JsonNode first = j.get("first_violations").get("no_forged_applied");
        assertEquals("steps", first.get("phase").asText(), j.toPrettyString());
        assertEquals("sim0@sim.kinbox.invalid", first.get("account").asText());
        assertTrue(j.get("stopped_early").get("steps_not_run").asInt() > 0, j.toPrettyString());
        assertFalse(j.get("invariants").get("no_forged_applied").asBoolean());
        assertTrue(j.get("invariants").get("converged").asBoolean(), "the same forgery everywhere still converges: " + j.toPrettyString());
        assertTrue(Files.size(dir.resolve("trace.kbt")) > 12, "no trace");
        assertTrue(Files.readString(dir.resolve("plots/report.html")).contains("First seen violated"));
    }

    @Test
    void simulate_onAFleetThatLosesAnAckedEdit_exitsNonZeroAndNamesTheLostDot(@TempDir Path dir) throws Exception {
        SimulateCommand cmd = new SimulateCommand();
        cmd.fleetDecorator = f -> new LosingFleet(f, 2);
        Ran r = simulate(cmd, dir, "--settle", "1s");
        assertEquals(SimulateCommand.INVARIANT_FAILED, r.code(), r.out());
        assertTrue(r.out().contains("VIOLATION no_lost_edits account sim0@sim.kinbox.invalid"), r.out());
        assertTrue(r.out().contains(":1000000002"), r.out());
        assertTrue(r.out().contains("  replay: kinbox replay " + dir.resolve("trace.kbt") + " --account sim0@sim.kinbox.invalid"), r.out());
        JsonNode j = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        assertFalse(j.get("invariants").get("no_lost_edits").asBoolean());
        assertEquals(1, j.get("lost_edits").asInt());
        assertEquals("end", j.get("first_violations").get("no_lost_edits").get("phase").asText(), "a lost edit is judged after the settle only");
        assertTrue(r.out().contains("FIRST VIOLATION at "), r.out());
        assertEquals(dir.resolve("trace.kbt").toString(), j.get("trace").asText());
        assertTrue(j.get("violations").get(0).get("replay").asText().startsWith("kinbox replay " + dir.resolve("trace.kbt")), j.toPrettyString());
    }

    @Test
    void simulate_withEveryFaultOnMemory_holdsTheInvariantsAndItsTraceVerifies(@TempDir Path dir) throws Exception {
        Ran r = simulate(new SimulateCommand(), dir, "--drops-per-day", "48", "--restarts-per-day", "48", "--latency", "2ms",
                "--incoming-per-day", "48", "--max-clock-skew", "2h", "--gossip-share", "0.5", "--rebuilds-per-day", "48",
                "--rebuild-loses", "2");
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("gossip mail: "), r.out());
        JsonNode j = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        j.get("invariants").fields().forEachRemaining(e -> assertTrue(e.getValue().asBoolean(), e.getKey() + " false: " + j.toPrettyString()));
        assertTrue(j.get("steps").path("Drop").asInt() > 0 && j.get("steps").path("ServerRestart").asInt() > 0, j.get("steps").toString());
        assertTrue(j.get("folder_rebuilds").asInt() > 0, "no folder rebuilt: " + j.get("steps"));
        // what kinbox replay --verify checks: the seed and the recorded options (faults included) give the recorded schedule
        var check = dev.kinbox.simulator.trace.TraceCheck.verify(dev.kinbox.simulator.trace.TraceFile.read(dir.resolve("trace.kbt")));
        assertTrue(check.ok(), check.mismatches().toString());
    }

    @Test
    void simulate_withBadFaultOptions_isAUsageErrorAndWritesNothing(@TempDir Path dir) {
        assertEquals(2, simulate(new SimulateCommand(), dir, "--drops-per-day", "-1").code());
        assertEquals(2, simulate(new SimulateCommand(), dir, "--latency", "slow").code());
        assertEquals(2, simulate(new SimulateCommand(), dir, "--latency", "2m").code());
        assertEquals(2, simulate(new SimulateCommand(), dir, "--max-clock-skew", "-1h").code());
        assertEquals(2, simulate(new SimulateCommand(), dir, "--restarts-per-day", "-2").code());
        assertEquals(2, simulate(new SimulateCommand(), dir, "--gossip-share", "1.5").code());
        assertEquals(2, simulate(new SimulateCommand(), dir, "--clock-resets-per-day", "-1").code());
        assertEquals(2, simulate(new SimulateCommand(), dir, "--clock-resets-per-day", "often").code());
        assertEquals(2, simulate(new SimulateCommand(), dir, "--rebuilds-per-day", "-1").code());
        assertEquals(2, simulate(new SimulateCommand(), dir, "--rebuild-loses", "-1").code());
        assertEquals(2, simulate(new SimulateCommand(), dir, "--rebuild-loses", "1001").code());
        SimulateCommand existing = new SimulateCommand();
        existing.env = java.util.Map.of(dev.kinbox.journal.mail.Secret.ENV_PASSWORD, "unused"); // the spec parses: refused for the rebuilds
        java.io.StringWriter err = new java.io.StringWriter();
        int code = new CommandLine(existing).setErr(new java.io.PrintWriter(err)).execute("--store", "imap://sim{n}@127.0.0.1:1",
                "--rebuilds-per-day", "1", "--report", dir.resolve("report.json").toString());
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("--rebuilds-per-day needs a server the simulator runs"), err.toString());
        for (String mix : new String[] {"0:0:0", "5:2", "a:b:c", "2000:1:1", "1:-1:1"}) {
            assertEquals(2, simulate(new SimulateCommand(), dir, "--edit-mix", mix).code(), mix);
        }
        assertFalse(Files.exists(dir.resolve("report.json")), "a refused run wrote a report");
    }

    @Test
    void simulate_withBadOptions_isAUsageErrorAndWritesNothing(@TempDir Path dir) {
        assertEquals(2, simulate(new SimulateCommand(), dir, "--devices-per-account", "5-2").code());
        for (String bad : List.of("2:40,2:10", "0:5", "65:1", "2:0", "2:x", "2:40,", "2-3:1", ":4")) {
            assertEquals(2, simulate(new SimulateCommand(), dir, "--devices-per-account", bad).code(), bad);
        }
        assertEquals(2, simulate(new SimulateCommand(), dir, "--duration", "forever").code());
        assertEquals(2, simulate(new SimulateCommand(), dir, "--store", "imap://x@y:1").code()); // no {n} in the user
        assertEquals(2, simulate(new SimulateCommand(), dir, "--wipe-store").code()); // not an imap:// store
        assertEquals(2, simulate(new SimulateCommand(), dir, "--hostile-per-day", "-1").code());
        assertEquals(2, simulate(new SimulateCommand(), dir, "--trace", dir.toString()).code());
        assertEquals(2, simulate(new SimulateCommand(), dir, "--removals-per-day", "-1").code());
        assertEquals(2, simulate(new SimulateCommand(), dir, "--expire-after", "soon").code());
        assertEquals(2, simulate(new SimulateCommand(), dir, "--expire-after", "10h").code(), "shorter than a 6h offline spell plus margin");
        assertFalse(Files.exists(dir.resolve("report.json")), "a refused run wrote a report");
        assertFalse(Files.exists(dir.resolve("trace.kbt")), "a refused run wrote a trace");
    }
}
