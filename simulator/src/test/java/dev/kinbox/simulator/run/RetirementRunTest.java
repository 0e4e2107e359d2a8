package dev.kinbox.simulator.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.simulator.fleet.HostedFleet;
import dev.kinbox.simulator.workload.Schedule;
import dev.kinbox.simulator.workload.Step;
import dev.kinbox.simulator.workload.Workload;
import dev.kinbox.simulator.workload.WorkloadOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Forced removal and expiry through the runner: {@code silent_devices_retired} holds on the real MUAA and fails on a fleet that does not retire. */
public class RetirementRunTest { // public: ClusterFleetTest runs the same schedule on two nodes
    /** 3 h 20 min: the shortest expiry the CLI allows for 30-minute offline spells ((30 min + 2 h) x 4/3). */
    public static final Duration EXPIRE_AFTER = Duration.ofMinutes(200);

    /**
     * 2 accounts of 2-3 devices over 8 simulated hours (8 s at 3600x) with removals and leaves: the first
     * seed from 1 whose schedule has a removal and a leave in its first two hours (a left device is
     * silent past {@link #EXPIRE_AFTER} before the end). The schedule is a pure function of the seed, so
     * the search always ends on the same seed.
     */
    public static Schedule withRemovalAndEarlyLeave() {
        for (long seed = 1; seed < 1000; seed++) {
            Schedule s = Workload.generate(seed, new WorkloadOptions(2, 2, 3, Duration.ofHours(8), 100, 3, 3, 4, 4, Duration.ofMinutes(30), 0,
                    10_000, 2));
            boolean removal = s.steps().stream().anyMatch(x -> x instanceof Step.Remove);
            boolean earlyLeave = s.steps().stream().anyMatch(x -> x instanceof Step.Leave && x.at() < Duration.ofHours(2).toMillis());
            if (removal && earlyLeave) return s;
        }
        throw new IllegalStateException("no seed below 1000 has a removal and an early leave");
    }

    private static HostedFleet.Options expiring() {
        return new HostedFleet.Options(50, Duration.ofSeconds(2), 8, EXPIRE_AFTER, Duration.ofMillis(250), Duration.ofMillis(500));
    }

    @Test
    void run_withRemovalsAndExpiry_retiresRemovedAndSilentDevices_andKeepsEveryInvariant() throws Exception {
        Schedule s = withRemovalAndEarlyLeave();
        RunResult r = RunnerTest.run(s, Duration.ofSeconds(30), f -> f, expiring());
        long removals = s.counts().getOrDefault("Remove", 0);
        System.out.println("retirement run: seed " + s.seed() + " " + s.counts() + ", retired " + r.check().retiredDevices() + ", retired-author edits missing "
                + r.check().retiredMissing() + ", " + r.ackedEdits() + " edits, start " + r.startMsPerDevice() + " ms/device, wall " + r.wallSeconds() + " s");
        assertTrue(r.ok(), r.check().violations() + " " + r.notes());
        assertTrue(r.check().silentRetired());
        assertTrue(r.check().retiredDevices() > removals, "only " + r.check().retiredDevices() + " retired for " + removals
                + " removals: the early leaver did not expire");
    }

    @Test
    void run_onAFleetThatForgetsToRetireRemovedDevices_failsSilentDevicesRetired() throws Exception {
        Schedule s = withRemovalAndEarlyLeave();
        RunResult r = RunnerTest.run(s, Duration.ofSeconds(3), UnretiringFleet::new);
        assertFalse(r.ok());
        assertFalse(r.check().silentRetired());
        assertTrue(r.check().violations().stream().anyMatch(v -> v.invariant().equals("silent_devices_retired")
                && v.detail().contains("not retired")), r.check().violations().toString());
    }
}
