package dev.kinbox.simulator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.simulator.fleet.AccountStores;
import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.fleet.HostedFleet;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.trace.Trace;
import dev.kinbox.simulator.trace.TraceFile;
import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.workload.Schedule;
import dev.kinbox.simulator.workload.Step;
import dev.kinbox.simulator.workload.Workload;
import dev.kinbox.simulator.workload.WorkloadOptions;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Comparator;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Invariants checked during a run: a forgery is reported when it is seen, and {@code stopOnViolation} ends the run there. */
class LiveRunTest {
    /**
     * 2 accounts of 2-3 devices with churn - crashes and long offline spells often (up to 4 real seconds), so some are likely open
     * at the stop - and a
     * hostile provider (about 10 acts a real second), spanning 40 real seconds at 3600x: a run that stops early is plain.
     */
    private static final Schedule LONG = Workload.generate(12, new WorkloadOptions(2, 2, 3, Duration.ofHours(40), 24, 1, 1, 12, 12,
            Duration.ofHours(4), 120, 10_000));

    /** Hostile acts before the forgery shows: about 2 s into the steps, when spells are open. */
    private static final int ACTS_BEFORE_FORGERY = 20;

    /** Runs {@code s} on the memory store, stopping at the first violation, reporting progress lines into {@code lines}. */
    private static RunResult stoppingRun(Schedule s, UnaryOperator<Fleet> decorate, HostedFleet.Options options, List<String> lines, Path trace)
            throws Exception {
        Progress seen = new Progress() {
            @Override public void phase(String name, long total) {}
            @Override public void update(long done, String counters) {}
            @Override public void violation(String line) { lines.add(line); }
        };
        Roster roster = Roster.generate(s.options().accounts(), s.options().slotsPerAccount(), "live.test.invalid", Crypto.standard());
        VirtualClock clock = VirtualClock.held(Instant.parse("2030-01-01T00:00:00Z"), 3600, System::nanoTime);
        try (Fleet f = decorate.apply(new HostedFleet(roster, AccountStores.open("memory", new SecureRandom()), clock, options))) {
            return new Runner(f, new RunOptions(3600, Duration.ofSeconds(30), Duration.ofMillis(100), true), seen, trace)
                    .drivingClock(clock).run(s, "memory");
        }
    }

    /** Devices whose last step carried out (in the trace) by real time {@code untilMillis} left them offline or down after a crash. */
    private static Set<DeviceRef> leftOpen(Trace t, long untilMillis) {
        Set<DeviceRef> open = new TreeSet<>();
        for (Trace.StepRecord x : t.steps().stream().sorted(Comparator.comparingInt(Trace.StepRecord::index)).toList()) {
            if (x.atMillis() > untilMillis) continue;
            Step step = LONG.steps().get(x.index());
            boolean carriedOut = x.outcome().equals("done") || x.outcome().startsWith("retired");
            if (!carriedOut) continue;
            if (step instanceof Step.Offline || step instanceof Step.Crash) open.add(step.device());
            else if (step instanceof Step.Online || step instanceof Step.Restart || step instanceof Step.Leave || step instanceof Step.Remove) {
                open.remove(step.device());
            }
        }
        return open;
    }

    @Test
    void run_onAFleetWhoseEntriesARetiredDeviceCanOpen_reportsItDuringTheStepsAndStops() throws Exception {
        Schedule s = RetirementRunTest.withRemovalAndEarlyLeave();
        List<String> lines = new CopyOnWriteArrayList<>();
        RunResult r = stoppingRun(s, LeakingFleet::new, HostedFleet.Options.defaults(), lines, null);
        System.out.println("leaking run: " + s.counts() + ", " + r.firstViolations() + ", stopped at " + r.stoppedAtSeconds() + " s, settle " + r.settleSeconds() + " s, wall " + r.wallSeconds() + " s, violations " + r.check().violations() + ", notes " + r.notes() + "; " + lines);
        assertFalse(r.ok());
        FirstViolation first = r.firstViolations().get(0);
        assertEquals("silent_devices_retired", first.invariant());
        assertEquals("steps", first.phase(), "tried by the sampler during the steps, not only at the end");
        assertEquals(2, first.violation().devices().size(), "the writer and the retired device: " + first);
        assertTrue(first.violation().detail().contains("open with the retired device's key"), first.violation().detail());
        assertTrue(r.stoppedAtSeconds() >= first.seconds(), r.stoppedAtSeconds() + " s");
        assertTrue(lines.get(0).contains("silent_devices_retired"), lines.toString());
    }

    @Test
    void run_stoppingOnViolation_stopsAtTheFirstForgeryClosesOpenSpellsAndStillChecksAndTraces(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("trace.kbt");
        List<String> lines = new CopyOnWriteArrayList<>();
        RunResult r = stoppingRun(LONG, f -> ForgingFleet.wholeAccount(f, 0, ACTS_BEFORE_FORGERY), HostedFleet.Options.defaults(), lines, file);
        System.out.println("stopped run: " + LONG.counts() + ", " + r.firstViolations() + ", stopped at " + r.stoppedAtSeconds() + " s, " + r.stepsNotRun()
                + " steps not run, settle " + r.settleSeconds() + " s, wall " + r.wallSeconds() + " s; " + lines);
        assertFalse(r.ok());
        FirstViolation first = r.firstViolations().get(0);
        assertEquals("no_forged_applied", first.invariant());
        assertEquals("steps", first.phase(), "seen during the steps, not at the end");
        assertEquals("sim0@live.test.invalid", first.violation().accountId());
        assertEquals(1, first.violation().devices().size());
        assertTrue(r.stoppedAtSeconds() >= first.seconds() && r.stoppedAtSeconds() < 40, "stopped at " + r.stoppedAtSeconds() + " s");
        assertTrue(r.stepsNotRun() > 0, "the run did not stop early");
        assertTrue(lines.get(0).startsWith("VIOLATION at ") && lines.get(0).contains("no_forged_applied account sim0@live.test.invalid"), lines.toString());
        // the spells open at the stop were closed and the fleet settled: the forgery is the only thing wrong
        assertEquals(0, r.stepErrors(), r.notes().toString());
        assertTrue(r.check().violations().stream().allMatch(v -> v.invariant().equals("no_forged_applied")), r.check().violations().toString());
        assertTrue(r.settleSeconds() < 29, "the settle waited for a violation that cannot heal: " + r.settleSeconds() + " s");
        Trace t = TraceFile.read(file);
        assertEquals(LONG.steps().size(), t.steps().size(), "every step has an outcome");
        assertEquals(r.stepsNotRun(), t.steps().stream().filter(x -> x.outcome().startsWith("not run")).count());
        // the spells open at the stop were closed: no device ends offline or down after a crash
        System.out.println("spells open at the stop: " + leftOpen(t, (long) (r.stoppedAtSeconds() * 1000)));
        assertEquals(Set.of(), leftOpen(t, Long.MAX_VALUE), "spells left open");
    }
}
