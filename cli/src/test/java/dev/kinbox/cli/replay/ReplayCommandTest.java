package dev.kinbox.cli.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinbox.cli.Main;
import dev.kinbox.simulator.trace.Trace;
import dev.kinbox.simulator.trace.TraceFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code kinbox replay} over the trace of one tiny simulation (1 account, 2 devices, memory store). */
class ReplayCommandTest {
    @TempDir static Path dir;
    static Path trace;

    private record Ran(int code, String out, String err) {
        List<String> lines() { return out.lines().toList(); }
    }

    @BeforeAll
    static void simulate() throws Exception {
        PrintStream old = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run("simulate", "--store", "memory", "--accounts", "1", "--devices-per-account", "2", "--duration", "3s", "--edits-per-day", "24", "--seed", "5",
                    "--crashes-per-day", "0", "--leaves-per-day", "0", "--joins-per-day", "0",
                    "--report", dir.resolve("report.json").toString(), "--plots", dir.resolve("plots").toString());
        } finally {
            System.setOut(old);
        }
        assertEquals(0, code, "the simulation failed");
        trace = dir.resolve("trace.kbt");
        assertEquals(trace.toString(), new ObjectMapper().readTree(dir.resolve("report.json").toFile()).get("trace").asText());
    }

    private static Ran replay(String... args) {
        ReplayCommand cmd = new ReplayCommand();
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        cmd.out = new PrintStream(out, true, StandardCharsets.UTF_8);
        cmd.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        CommandLine cl = new CommandLine(cmd);
        cl.setErr(new java.io.PrintWriter(err, true));
        int code = cl.execute(args);
        return new Ran(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static List<String> timeline(Ran r) {
        return r.lines().stream().filter(l -> l.startsWith("#")).toList();
    }

    @Test
    void replay_withoutOptions_listsTheRunAndEveryDevice() {
        Ran r = replay(trace.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("trace: seed 5, store memory, 1 accounts, 2 devices"), r.out());
        assertTrue(r.out().contains("violations: none"), r.out());
        assertTrue(r.lines().stream().filter(l -> l.matches("  a0/d[01] [0-9a-f]{16} running .* entries \\(\\d+ own, \\d+ replicated, \\d+ merged states\\)  digest [0-9a-f]{16}")).count() == 2, r.out());
    }

    @Test
    void replay_ofADevice_printsItsTimelineOwnAndReplicatedThenItsState() {
        Ran r = replay(trace.toString(), "--device", "a0/d0");
        assertEquals(0, r.code(), r.err());
        List<String> t = timeline(r);
        assertTrue(t.size() > 4, r.out());
        assertTrue(t.stream().anyMatch(l -> l.matches("#\\d+ +\\S+Z\\S* +own +a0/d0:\\d+ +\\w+ .*")), r.out());
        assertTrue(t.stream().anyMatch(l -> l.matches("#\\d+ +\\S+Z\\S* +from +a0/d1:\\d+ +\\w+ .*")), r.out());
        String state = r.lines().stream().filter(l -> l.startsWith("state at #")).findFirst().orElseThrow();
        String[] d = state.replaceAll(".*digest ([0-9a-f]+), recorded ([0-9a-f]+).*", "$1 $2").split(" ");
        assertEquals(d[0], d[1], "replayed and recorded digest: " + state);
        assertTrue(r.lines().stream().anyMatch(l -> l.startsWith("  setting ") || l.startsWith("  contact ")), r.out());
    }

    @Test
    void replay_ofADevice_listsItsStepsWithOutcomes_eachAckedEditBeingAnOwnEntryOfItsTimeline() {
        Ran r = replay(trace.toString(), "--device", "a0/d0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("steps of a0/d0 (the schedule of seed 5;"), r.out());
        List<String> steps = r.lines().stream().filter(l -> l.startsWith("step ")).toList();
        assertTrue(steps.get(0).matches("step \\d+ +sim 0:00:00\\.000 +real \\S+ s +Join +done"), steps.get(0));
        List<String> acked = steps.stream().filter(l -> l.contains(" Edit ") && l.contains(" acked ")).toList();
        assertTrue(acked.size() >= 2, r.out());
        for (String l : acked) {
            String seq = l.replaceAll(".* acked [0-9a-f]{16}:(\\d+)$", "$1");
            assertTrue(timeline(r).stream().anyMatch(t -> t.matches("#\\d+ +\\S+ +own +a0/d0:" + seq + " .*")), "no own entry for " + l + "\n" + r.out());
        }
    }

    @Test
    void replay_untilASequenceNumber_stopsThereAndShowsTheStateThen() {
        Ran all = replay(trace.toString(), "--device", "a0/d1");
        Ran part = replay(trace.toString(), "--device", "a0/d1", "--until", "3");
        assertEquals(0, part.code(), part.err());
        assertEquals(timeline(all).subList(0, 3), timeline(part));
        assertTrue(part.out().contains("replayed up to #3") && part.out().contains("state at #3 (digest "), part.out());
        assertFalse(part.out().contains("recorded"), "a partial state has no recorded digest: " + part.out());
    }

    @Test
    void replay_untilAnInstant_stopsBeforeTheFirstEntryMadeAfterIt() {
        List<String> all = timeline(replay(trace.toString(), "--device", "a0/d1"));
        // the latest instant among the first four timed entries (a replicated event can be older than one applied before it)
        List<String> timed = all.stream().filter(l -> l.split(" +")[1].contains("T")).toList();
        assertTrue(timed.size() > 4, all.toString());
        String at = timed.subList(0, 4).stream().map(l -> l.split(" +")[1].replaceAll("\\+\\d+$", ""))
                .max(java.util.Comparator.comparing(java.time.Instant::parse)).orElseThrow();
        Ran part = replay(trace.toString(), "--device", "a0/d1", "--until", at);
        assertEquals(0, part.code(), part.err());
        List<String> shown = timeline(part);
        assertEquals(all.subList(0, shown.size()), shown, "a prefix of the whole timeline");
        assertTrue(shown.containsAll(timed.subList(0, 4)), part.out());
        java.time.Instant limit = java.time.Instant.parse(at);
        for (String l : shown) {
            String t = l.split(" +")[1].replaceAll("\\+\\d+$", "");
            if (t.contains("T")) assertFalse(java.time.Instant.parse(t).isAfter(limit), l);
        }
        if (shown.size() < all.size()) {
            String next = all.get(shown.size()).split(" +")[1].replaceAll("\\+\\d+$", "");
            assertTrue(java.time.Instant.parse(next).isAfter(limit), "the first entry left out was made after " + at + ": " + all.get(shown.size()));
        }
        assertTrue(part.out().contains("(the last entry made by " + limit + ")"), part.out());
        Ran before = replay(trace.toString(), "--device", "a0/d1", "--until", "2000-01-01T00:00:00Z");
        assertEquals(List.of(), timeline(before), before.out());
        assertTrue(before.out().contains("state at #0 (the last entry made by 2000-01-01T00:00:00Z)"), before.out());
    }

    @Test
    void replay_untilNeitherANumberNorAnInstant_isRefusedWithWhatItTakes() {
        Ran r = replay(trace.toString(), "--device", "a0/d1", "--until", "yesterday");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("sequence number (e.g. 42) or an instant"), r.err());
    }

    @Test
    void replay_diffOfConvergedDevices_saysEqual_andOfACutJournal_namesTheParts(@TempDir Path tmp) throws Exception {
        Ran r = replay(trace.toString(), "--diff", "a0/d0", "a0/d1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("equal (digest "), r.out());

        Trace t = TraceFile.read(trace);
        Trace.Device d1 = t.accounts().get(0).devices().get(1);
        Trace.Device cut = new Trace.Device(d1.slot(), d1.deviceId(), d1.live(), d1.digest(), d1.journal().subList(0, 2));
        Path f = tmp.resolve("cut.kbt");
        TraceFile.write(new Trace(t.seed(), t.workload(), t.scheduleSteps(), t.scheduleDigest(), t.store(), t.timeScale(), t.steps(),
                List.of(new Trace.Account(0, t.accounts().get(0).accountId(), List.of(t.accounts().get(0).devices().get(0), cut))), t.violations()), f);
        Ran d = replay(f.toString(), "--diff", "a0/d0", "a0/d1");
        assertEquals(0, d.code(), d.err());
        assertTrue(d.out().startsWith("digests differ: a0/d0 "), d.out());
        assertTrue(d.lines().stream().anyMatch(l -> l.matches("(setting|contact|events of) .*: a0/d0 .* \\| a0/d1 .*")), d.out());

        Ran v = replay(f.toString(), "--verify");
        assertEquals(ReplayCommand.MISMATCH, v.code(), v.out());
        assertTrue(v.out().contains("MISMATCH a0/d1 " + d1.deviceId() + ": journal of 2 entries"), v.out());
    }

    @Test
    void replay_verify_ofTheRunsTrace_passes() {
        Ran r = replay(trace.toString(), "--verify");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("all 2 devices' journals give their recorded digests (2 recorded from running MUAAs)"), r.out());
    }

    @Test
    void replay_ofABadFileOrName_exitsTwoWithOneLineAndNoStackTrace(@TempDir Path tmp) throws Exception {
        byte[] good = Files.readAllBytes(trace);
        Path garbage = Files.write(tmp.resolve("garbage.kbt"), "hello".getBytes(StandardCharsets.UTF_8));
        Path truncated = Files.write(tmp.resolve("truncated.kbt"), Arrays.copyOf(good, good.length / 2));
        byte[] future = good.clone();
        future[11] = (byte) (dev.kinbox.simulator.trace.TraceFile.VERSION + 1);
        Path futureFile = Files.write(tmp.resolve("future.kbt"), future);
        List<String[]> cases = new ArrayList<>(List.of(
                new String[] {garbage.toString()}, new String[] {truncated.toString()}, new String[] {futureFile.toString()},
                new String[] {tmp.resolve("missing.kbt").toString()}, new String[] {trace.toString(), "--device", "a7/d0"},
                new String[] {trace.toString(), "--account", "nobody@example.invalid"}));
        for (String[] args : cases) {
            Ran r = replay(args);
            assertEquals(ReplayCommand.BAD_INPUT, r.code(), List.of(args) + ": " + r.out() + r.err());
            assertTrue(r.err().startsWith("replay: ") && r.err().lines().count() == 1, List.of(args) + ": " + r.err());
        }
        assertTrue(replay(futureFile.toString()).err().contains("trace format version " + (dev.kinbox.simulator.trace.TraceFile.VERSION + 1)
                + "; this kinbox reads versions 3 to " + dev.kinbox.simulator.trace.TraceFile.VERSION));
        assertTrue(replay(truncated.toString()).err().contains("truncated"), replay(truncated.toString()).err());
        assertEquals(2, replay(trace.toString(), "--until", "3").code(), "--until without --device");
        assertEquals(2, replay(trace.toString(), "--device", "a0/d0", "--until", "-1").code());
        assertEquals(2, replay(trace.toString(), "--verify", "--device", "a0/d0").code());
        assertEquals(2, replay().code());
        assertEquals(2, replay(trace.toString(), "--imap-trust", trace.toString()).code(), "--imap-trust without --imap");
    }
}
