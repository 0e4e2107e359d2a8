package dev.kinbox.simulator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.simulator.fleet.AccountStores;
import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.fleet.FleetFaults;
import dev.kinbox.simulator.fleet.HostedFleet;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.workload.Change;
import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.workload.Schedule;
import dev.kinbox.simulator.workload.Step;
import dev.kinbox.simulator.workload.Workload;
import dev.kinbox.simulator.workload.WorkloadOptions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs with network faults, server restarts, incoming mail and skewed clocks: every invariant still holds after they stop. */
class FaultyRunTest {
    /** What a faulty run left: its result and the final states of the devices running at its end. */
    record Outcome(RunResult result, Map<DeviceRef, AccountState> states) {}

    /** {@code faults} on a small churning schedule (2 accounts of 2-3 devices, 3 simulated hours) on {@code store}. */
    static Outcome run(String store, long seed, WorkloadOptions.Faults faults, Duration settle) throws Exception {
        return run(store, Workload.generate(seed, new WorkloadOptions(2, 2, 3, Duration.ofHours(3), 100, 2, 1, 4, 4, Duration.ofMinutes(30), 0,
                10_000).withFaults(faults)), settle);
    }

    private static final Instant ORIGIN = Instant.parse("2030-01-01T00:00:00Z");

    /** Schedule {@code s} (its faults included) on {@code store}. */
    static Outcome run(String store, Schedule s, Duration settle) throws Exception {
        long seed = s.seed();
        WorkloadOptions.Faults faults = s.options().faults();
        Roster roster = Roster.generate(s.options().accounts(), s.options().slotsPerAccount(), store + ".faults.invalid", Crypto.standard());
        VirtualClock clock = new VirtualClock(ORIGIN, 3600, System::nanoTime);
        FleetFaults ff = FleetFaults.of(seed, faults, Crypto.standard());
        try (Fleet f = new HostedFleet(roster, AccountStores.open(store, new SecureRandom()), clock, HostedFleet.Options.forStore(store), ff)) {
            RunResult r = new Runner(f, new RunOptions(3600, settle, Duration.ofMillis(100)), Progress.NONE).run(s, store);
            return new Outcome(r, FleetStates.read(f, 30_000, (d, e) -> { }));
        }
    }

    static long scheduled(RunResult r, String kind) { return r.steps().getOrDefault(kind, 0); }

    @Test
    void run_withDropsRestartsAndLatencyOnMemory_convergesWithEveryAckedEdit() throws Exception {
        Outcome o = run("memory", 31, new WorkloadOptions.Faults(24, 24, 0, 3, 0), Duration.ofSeconds(45));
        RunResult r = o.result();
        System.out.println("network faults run: " + r.steps() + ", " + r.ackedEdits() + " edits, " + r.storeOps() + " store ops, wall " + r.wallSeconds() + " s");
        assertTrue(r.ok(), r.check().violations() + " " + r.notes());
        assertEquals(0, r.check().lostEdits());
        assertTrue(scheduled(r, "Drop") > 0 && scheduled(r, "ServerRestart") > 0, r.steps().toString());
        assertTrue(r.ackedEdits() > 20, "few edits acknowledged: " + r.ackedEdits());
    }

    @Test
    void run_withFoldersRestoredFromOlderBackupsOnMemory_convergesWithEveryAckedEdit() throws Exception {
        // 2 accounts, 3 simulated hours, 96 rebuilds a day an account: about 24, each renumbering a device's folder in a shuffled
        // order under a new UIDVALIDITY, without its 2 newest messages, while its siblings read it and the device uploads to it
        Outcome o = run("memory", 33, new WorkloadOptions.Faults(0, 0, 0, 0, 0, 0, 0, 96).withRebuildNewestLost(2), Duration.ofSeconds(45));
        RunResult r = o.result();
        System.out.println("folder rebuild run: " + r.steps() + ", " + r.folderRebuilds() + " rebuilt, " + r.ackedEdits() + " edits, wall "
                + r.wallSeconds() + " s");
        assertTrue(r.ok(), r.check().violations() + " " + r.notes());
        assertEquals(0, r.check().lostEdits());
        assertTrue(r.folderRebuilds() >= 10, r.folderRebuilds() + " folders rebuilt of " + scheduled(r, "FolderRebuild"));
        assertTrue(r.ackedEdits() > 20, "few edits acknowledged: " + r.ackedEdits());
    }

    @Test
    void run_withIncomingMailAndSkewedClocks_replicatesPeerStateToEverySibling() throws Exception {
        Outcome o = run("memory", 32, new WorkloadOptions.Faults(0, 0, 60, 0, 6 * 3_600_000L), Duration.ofSeconds(45));
        RunResult r = o.result();
        System.out.println("incoming mail run: " + r.steps() + ", " + r.ackedEdits() + " edits, wall " + r.wallSeconds() + " s");
        assertTrue(r.ok(), r.check().violations() + " " + r.notes());
        assertEquals(0, r.check().lostEdits());
        for (int a = 0; a < 2; a++) {
            int account = a;
            var states = o.states().entrySet().stream().filter(e -> e.getKey().account() == account).toList();
            assertTrue(states.size() >= 1, "no device of account " + a + " at the end");
            assertTrue(!states.get(0).getValue().peers().isEmpty(), "account " + a + " learned no peer");
            for (var e : states) assertEquals(states.get(0).getValue().peers(), e.getValue().peers(), "peers of " + e.getKey());
        }
    }

    @Test
    void run_withClocksResetBackAndForthAcrossCrashes_keepsEveryDevicesLaterEditOverItsEarlierOnes() throws Exception {
        // 3 accounts of 2-3 devices, 12 simulated hours: many edits of few registers, a crash-restart every two simulated hours a
        // device, clocks reset to within 6 h either way every 10 simulated minutes: restarts find the clock set back, and a device
        // that then stamped its next edit from its wall clock alone would lose it to its own earlier edit (own_edits_ordered)
        WorkloadOptions.Faults faults = new WorkloadOptions.Faults(0, 0, 0, 0, 6 * 3_600_000L, 0, 144);
        Schedule s = Workload.generate(41, new WorkloadOptions(3, 2, 3, Duration.ofHours(12), 200, 0, 0, 12, 0, Duration.ofMinutes(30), 0, 10_000)
                .withFaults(faults));
        long setBack = setBackRestarts(s);
        assertTrue(setBack >= 5, "only " + setBack + " restarts find their clock set back: " + s.counts());
        RunResult r = run("memory", s, Duration.ofSeconds(45)).result();
        System.out.println("clock reset run: " + r.steps() + ", " + setBack + " restarts with the clock set back, " + r.ackedEdits() + " edits, wall "
                + r.wallSeconds() + " s");
        assertTrue(r.ok(), r.check().violations() + " " + r.notes());
        assertTrue(r.check().ownEditsOrdered());
        assertTrue(r.ackedEdits() > 200, "few edits acknowledged: " + r.ackedEdits());
    }

    /** The restarts in {@code s} whose device's clock (by its plan) reads earlier than at its crash before. */
    private static long setBackRestarts(Schedule s) {
        Map<DeviceRef, Long> crashedAt = new java.util.HashMap<>();
        long n = 0;
        for (Step x : s.steps()) {
            long now = reading(s, x.device(), x.at());
            if (x instanceof Step.Crash) crashedAt.put(x.device(), now);
            else if (x instanceof Step.Restart && crashedAt.containsKey(x.device()) && now < crashedAt.remove(x.device())) n++;
        }
        return n;
    }

    private static long reading(Schedule s, DeviceRef d, long at) {
        long t = ORIGIN.toEpochMilli() + at;
        return t + dev.kinbox.simulator.workload.DeviceClocks.plan(s.seed(), d, s.options().faults()).offsetAt(t);
    }

    @Test
    void schedule_ofTheIncomingMailRun_hasMailFromPeers() {
        Schedule s = Workload.generate(32, new WorkloadOptions(2, 2, 3, Duration.ofHours(3), 100, 2, 1, 4, 4, Duration.ofMinutes(30), 0, 10_000)
                .withFaults(new WorkloadOptions.Faults(0, 0, 60, 0, 6 * 3_600_000L)));
        assertTrue(s.steps().stream().filter(x -> x instanceof Step.Edit e && e.change() instanceof Change.IncomingMail).count() > 5, s.counts().toString());
    }
}
