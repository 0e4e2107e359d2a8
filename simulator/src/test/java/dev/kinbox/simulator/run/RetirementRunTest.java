package dev.kinbox.simulator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.simulator.fleet.HostedFleet;
import dev.kinbox.simulator.workload.Change;
import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.workload.Schedule;
import dev.kinbox.simulator.workload.Step;
import dev.kinbox.simulator.workload.Workload;
import dev.kinbox.simulator.workload.WorkloadOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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

    /**
     * The early leaver is put away for good without leaving the account (it closes, as an application
     * the user no longer opens, instead of retiring itself): its siblings must retire it by expiry.
     */
    @Test
    void run_withRemovalsAndExpiry_retiresRemovedAndSilentDevices_andKeepsEveryInvariant() throws Exception {
        Schedule s = withRemovalAndEarlyLeave();
        RunResult r = RunnerTest.run(s, Duration.ofSeconds(30), f -> new dev.kinbox.simulator.fleet.ForwardingFleet(f) {
            @Override public Stopped stop(DeviceRef d, Stop how) throws FleetException {
                return delegate.stop(d, how == Stop.LEAVE ? Stop.CLOSE : how);
            }
        }, expiring());
        long removals = s.counts().getOrDefault("Remove", 0);
        System.out.println("retirement run: seed " + s.seed() + " " + s.counts() + ", retired " + r.check().retiredDevices() + ", retired-author edits missing "
                + r.check().retiredMissing() + ", " + r.ackedEdits() + " edits, start " + r.startMsPerDevice() + " ms/device, wall " + r.wallSeconds() + " s");
        assertTrue(r.ok(), r.check().violations() + " " + r.notes());
        assertTrue(r.check().silentRetired());
        assertTrue(r.check().retiredDevices() > removals, "only " + r.check().retiredDevices() + " retired for " + removals
                + " removals: the early leaver, put away without leaving, did not expire");
    }

    /**
     * The same schedule with key rotation on removal turned on in both accounts (their first step): every
     * removal and expiry gives the remaining devices a new account key, which the key trial of
     * {@code silent_devices_retired} finds unreadable with the retired device's key, and the running devices
     * converge on the same keys.
     */
    @Test
    void run_withKeyRotationOnRemoval_rotatesTheAccountKey_andKeepsEveryInvariant() throws Exception {
        Schedule plain = withRemovalAndEarlyLeave();
        Schedule s = Workload.generate(plain.seed(), plain.options().withKeyRotation(true));
        assertEquals(plain.steps().size() + 2, s.steps().size(), "one edit more per account, every other step the same");
        Map<DeviceRef, List<Boolean>> keysAtEnd = new java.util.concurrent.ConcurrentHashMap<>();
        RunResult r = RunnerTest.run(s, Duration.ofSeconds(30), f -> new dev.kinbox.simulator.fleet.ForwardingFleet(f) {
            @Override public void close() {
                try {
                    for (DeviceRef d : running()) {
                        var keys = state(d).toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS).accountKeys();
                        keysAtEnd.put(d, keys.values().stream().map(k -> k.revoked()).toList());
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    super.close();
                }
            }
        }, expiring());
        System.out.println("rotation run: seed " + s.seed() + " " + s.counts() + ", retired " + r.check().retiredDevices() + ", account keys (revoked?) at the end "
                + keysAtEnd);
        assertTrue(r.ok(), r.check().violations() + " " + r.notes());
        assertTrue(r.check().silentRetired());
        assertTrue(keysAtEnd.values().stream().anyMatch(k -> k.size() >= 2 && k.contains(true) && k.contains(false)),
                "no account rotated its key: " + keysAtEnd);
    }

    /**
     * d2 is offline past the expiry, so d0 and d1 retire it and leave a notice; then both leave for good
     * (d0 after an edit d2 can no longer read), and d2 comes back and learns from the notice that it was
     * retired. No running state says d2 is retired, but d2 knows: it is no reader of later edits
     * and no witness of later retirements. Without asking it, d0's last edit counts as lost on d2.
     */
    @Test
    void run_whereTheOnlyRunningDeviceLearntItWasRetired_byDevicesThatLeftSince_countsItAsRetired() throws Exception {
        DeviceRef d0 = new DeviceRef(0, 0), d1 = new DeviceRef(0, 1), d2 = new DeviceRef(0, 2);
        long min = Duration.ofMinutes(1).toMillis();
        Schedule s = new Schedule(3, withRemovalAndEarlyLeave().options(), List.of(new Step.Join(0, d0), new Step.Join(0, d1),
                new Step.Join(0, d2), new Step.Edit(10 * min, d2, new Change.SetSetting("k", "by d2")), new Step.Offline(20 * min, d2),
                new Step.Edit(20 * min + EXPIRE_AFTER.toMillis() + 60 * min, d0, new Change.SetSetting("k", "by d0")),
                new Step.Leave(20 * min + EXPIRE_AFTER.toMillis() + 61 * min, d0), new Step.Leave(20 * min + EXPIRE_AFTER.toMillis() + 62 * min, d1),
                new Step.Online(20 * min + EXPIRE_AFTER.toMillis() + 70 * min, d2)));
        RunResult r = RunnerTest.run(s, Duration.ofSeconds(15), f -> f, expiring());
        System.out.println("retired-by-notice run: " + r.check() + " notes " + r.notes());
        assertTrue(r.ok(), r.check().violations() + " " + r.notes());
        assertEquals(0, r.check().lostEdits());
        assertEquals(1, r.check().retiredDevices(), "d2, by what it learnt");
    }

    /**
     * d1 edits and is abandoned (put away without leaving): it stays paired until it has been silent past
     * the expiry - retiring it earlier fails {@code silent_devices_retired} at a sample - and then d0 retires
     * it; d1's edit, uploaded before it closed, stays.
     */
    @Test
    void run_whereADeviceIsAbandoned_hasItRetiredByExpiry_withItsLastEditKept() throws Exception {
        DeviceRef d0 = new DeviceRef(0, 0), d1 = new DeviceRef(0, 1);
        long min = Duration.ofMinutes(1).toMillis();
        Schedule s = new Schedule(3, withRemovalAndEarlyLeave().options(), List.of(new Step.Join(0, d0), new Step.Join(0, d1),
                new Step.Edit(10 * min, d1, new Change.SetSetting("k", "by d1")), new Step.Abandon(20 * min, d1),
                new Step.Edit(20 * min + EXPIRE_AFTER.toMillis() + 180 * min, d0, new Change.SetSetting("k2", "by d0"))));
        RunResult r = RunnerTest.run(s, Duration.ofSeconds(15), f -> f, expiring());
        System.out.println("abandon run: " + r.check() + " notes " + r.notes());
        assertTrue(r.ok(), r.check().violations() + " " + r.notes());
        assertTrue(r.check().silentRetired());
        assertEquals(1, r.check().retiredDevices(), "d0 retired d1 once it was silent past the expiry");
        assertEquals(0, r.check().retiredMissing() + r.check().leftMissing(), "d1's edit reached d0 before it expired");
    }

    /**
     * As above, and d1 is switched on again long after d0 retired it and deleted its folder: its start must
     * answer "retired" (an outcome, not a step error), and its recovery must not rebuild the folder and upload
     * its journal again ({@code folders_repaired} stays 0: before 2026-12-06 it was 1, the folder's deletion
     * taken for a restore). Every invariant holds; d0's later edit is applied by d0 alone.
     */
    @Test
    void run_whereAnAbandonedDeviceReturnsAfterItsSiblingRetiredIt_learnsSoAtItsStart_andRebuildsNothing() throws Exception {
        DeviceRef d0 = new DeviceRef(0, 0), d1 = new DeviceRef(0, 1);
        long min = Duration.ofMinutes(1).toMillis();
        // d1 silent from minute 20: retired after EXPIRE_AFTER, its folder deleted after one announceEvery (a quarter of it)
        // more, and d0's notice collected once it is EXPIRE_AFTER old (after which d1 could not know: by design it would
        // rebuild its folder, and d0 renew the notice); back in between
        long back = 20 * min + EXPIRE_AFTER.toMillis() * 8 / 5;
        Schedule s = new Schedule(3, withRemovalAndEarlyLeave().options(), List.of(new Step.Join(0, d0), new Step.Join(0, d1),
                new Step.Edit(10 * min, d1, new Change.SetSetting("k", "by d1")), new Step.Abandon(20 * min, d1),
                new Step.Return(back, d1, true), new Step.Edit(back + 10 * min, d0, new Change.SetSetting("k2", "by d0"))));
        java.util.List<String> starts = new java.util.concurrent.CopyOnWriteArrayList<>();
        RunResult r = RunnerTest.run(s, Duration.ofSeconds(15), f -> new dev.kinbox.simulator.fleet.ForwardingFleet(f) {
            @Override public void start(DeviceRef d) throws FleetException {
                try {
                    super.start(d);
                    starts.add(d + " running");
                } catch (RetiredDevice e) {
                    starts.add(d + " retired");
                    throw e;
                }
            }
        }, expiring());
        System.out.println("return run: " + r.check() + " notes " + r.notes() + " starts " + starts);
        assertTrue(r.ok(), r.check().violations() + " " + r.notes());
        assertEquals(3, starts.size(), starts.toString());
        assertEquals(d1 + " retired", starts.get(2), "d1's return found it retired: " + starts);
        assertEquals(1, r.check().retiredDevices());
        assertEquals(0, r.refusals().foldersRepaired(), "the returning retired device rebuilt its deleted folder");
        assertEquals(0, r.stepErrors());
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
