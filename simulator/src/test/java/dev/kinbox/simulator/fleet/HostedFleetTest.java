package dev.kinbox.simulator.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.KinboxCodec;
import dev.kinbox.persistence.crdt.DeviceStatus;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.simulator.workload.Change;
import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.workload.WorkloadOptions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HostedFleetTest {
    private static final KinboxCodec CODEC = new KinboxCodec();
    private static Roster roster;

    @BeforeAll
    static void keys() throws Exception {
        roster = Roster.generate(1, 3, "fleet.test.invalid", Crypto.standard());
    }

    private static final DeviceRef A = new DeviceRef(0, 0);
    private static final DeviceRef B = new DeviceRef(0, 1);
    private static final DeviceRef C = new DeviceRef(0, 2);

    @Test
    void theFleetsSharedCircuitBreakers_waitOutAStopTheWorldPause_andOpenOnlyOnManyFailures() throws Exception {
        try (HostedFleet f = new HostedFleet(roster, AccountStores.open("memory", new SecureRandom()), Clock.systemUTC(), HostedFleet.Options.defaults())) {
            com.typesafe.config.Config c = f.systemConfig();
            for (String plugin : List.of("kinbox.journal", "kinbox.snapshot-store")) {
                assertEquals(java.time.Duration.ofSeconds(60), c.getDuration(plugin + ".circuit-breaker.call-timeout"), plugin);
                assertEquals(1000, c.getInt(plugin + ".circuit-breaker.max-failures"), plugin);
            }
        }
        assertEquals(java.time.Duration.ofSeconds(10), com.typesafe.config.ConfigFactory.load().getDuration("pekko.persistence.journal-plugin-fallback.circuit-breaker.call-timeout"),
                "a device outside the fleet keeps Pekko's breaker");
    }

    /**
     * Pekko's ask hands back a Scala future seen as a Java one, which runs every callback on the default
     * async executor: a new thread per callback on fewer than 3 cores (a 100,000-device run stalled on
     * it), the common pool otherwise. The fleet's answers, and what callers chain on them, run on its dispatcher.
     */
    @Test
    void callbacksOnEditsAndStates_runOnTheFleetsDispatcher_notOnAThreadPerCallback() throws Exception {
        try (Fleet f = new HostedFleet(roster, AccountStores.open("memory", new SecureRandom()), Clock.systemUTC(), HostedFleet.Options.defaults())) {
            f.start(A);
            // a stage that completed before the callback was attached runs it on the caller (the CompletableFuture
            // contract): a fast reply sometimes does, so the caller's thread is allowed, any other thread is not,
            // and the dispatcher must be seen
            String caller = Thread.currentThread().getName();
            int onDispatcher = 0;
            for (int i = 0; i < 20; i++) {
                java.util.concurrent.CompletableFuture<String> editThread = f.edit(A, new Change.SetSetting("k", "v" + i))
                        .thenApply(dot -> Thread.currentThread().getName()).toCompletableFuture();
                java.util.concurrent.CompletableFuture<String> stateThread = f.state(A)
                        .thenApply(s -> Thread.currentThread().getName()).toCompletableFuture();
                for (String name : List.of(editThread.get(30, TimeUnit.SECONDS), stateThread.get(30, TimeUnit.SECONDS))) {
                    boolean dispatcher = name.startsWith("sim-hosted-pekko.actor.default-dispatcher-");
                    assertTrue(dispatcher || name.equals(caller), "a callback ran on " + name);
                    if (dispatcher) onDispatcher++;
                }
            }
            assertTrue(onDispatcher > 0, "no callback ran on the fleet's dispatcher");
        }
    }

    @Test
    void devices_throughCrashOfflineAndLateJoin_convergeWithEveryAcknowledgedEdit() throws Exception {
        try (Fleet f = new HostedFleet(roster, AccountStores.open("memory", new SecureRandom()), Clock.systemUTC(), HostedFleet.Options.defaults())) {
            List<Dot> acked = new ArrayList<>();
            f.start(A);
            f.start(B);
            acked.add(edit(f, A, new Change.SetSetting("k", "a")));
            acked.add(edit(f, B, new Change.CreateContact("c1")));
            awaitConverged(f, acked, List.of(A, B));

            assertEquals(Fleet.Stopped.CRASHED, f.stop(B, Fleet.Stop.CRASH), "a crash reports nothing to wait for");
            acked.add(edit(f, A, new Change.EditContact("c1", "name", "Ann")));
            f.start(B); // from its kept local log
            acked.add(edit(f, B, new Change.SetSetting("k", "b")));
            awaitConverged(f, acked, List.of(A, B));

            f.online(A, false);
            acked.add(edit(f, A, new Change.SetSetting("offline", "yes"))); // acknowledged locally while cut off
            Thread.sleep(500);
            assertTrue(!state(f, B).context().contains(acked.get(acked.size() - 1)), "an offline device's edit reached a sibling");
            f.online(A, true);
            f.start(C);
            awaitConverged(f, acked, List.of(A, B, C));

            assertEquals(new Fleet.Stopped(true, true), f.stop(C, Fleet.Stop.LEAVE), "C's leave: catch-up, retirement and uploads confirmed");
            assertEquals(java.util.Set.of(A, B), f.running());
            assertTrue(f.readBack(C).toCompletableFuture().get(60, TimeUnit.SECONDS), "a running sibling read C's leave");
            String c = roster.device(C).deviceId();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (DeviceRef sibling : List.of(A, B)) {
                while (state(f, sibling).devices().get(c).status() != dev.kinbox.persistence.crdt.DeviceStatus.RETIRED) {
                    assertTrue(System.nanoTime() < deadline, sibling + " did not retire C, which left");
                    Thread.sleep(50);
                }
            }
            assertTrue(f.storeOperations() > 0, "no store operations counted");
            assertTrue(f.storeMessages(0).journal() > 0, "the account's mailbox holds no journal entry");
        }
    }

    /**
     * B is offline when A's edit and its nudge arrive, so B's read fails; back online, B's watch reports
     * the reconnection (as a real client's does) and B reads at once - not at its next sweep, a minute away here.
     */
    @Test
    void aDeviceBackOnline_readsWhatItMissed_beforeItsNextSweep() throws Exception {
        HostedFleet.Options slowSweeps = new HostedFleet.Options(50, java.time.Duration.ofSeconds(60), 8);
        try (Fleet f = new HostedFleet(roster, AccountStores.open("memory", new SecureRandom()), Clock.systemUTC(), slowSweeps)) {
            f.start(A);
            f.start(B);
            awaitConverged(f, List.of(edit(f, A, new Change.SetSetting("k", "both"))), List.of(A, B));
            f.online(B, false);
            Dot missed = edit(f, A, new Change.SetSetting("k", "while B was offline"));
            Thread.sleep(1_000); // A uploads and nudges; B's wake-up finds the store cut off
            assertTrue(!state(f, B).context().contains(missed), "an offline device read a sibling's entry");
            f.online(B, true);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!state(f, B).context().contains(missed)) {
                assertTrue(System.nanoTime() < deadline, "B, back online, waited for its sweep to read A's entry");
                Thread.sleep(50);
            }
        }
    }

    /**
     * A closes with its edit uploaded, but B, offline, never read it; then the server comes back
     * from a backup without A's newest message. Only A can upload that edit again: the fleet reports it
     * restored away until A runs again, repairs its folder, and B reads it.
     */
    @Test
    void aLossyRestoreOfTheFolderOfADeviceThatLeft_isRestoredAway_untilTheDeviceRunsAgainAndUploadsIt() throws Exception {
        FleetFaults lossy = FleetFaults.of(1, new WorkloadOptions.Faults(0, 0, 0, 0, 0, 0, 0, 1).withRebuildNewestLost(1), Crypto.standard());
        try (Fleet f = new HostedFleet(roster, AccountStores.open("memory", new SecureRandom()), Clock.systemUTC(), HostedFleet.Options.defaults(), lossy)) {
            f.start(A);
            f.start(B);
            awaitConverged(f, List.of(edit(f, A, new Change.SetSetting("k", "both"))), List.of(A, B));
            f.online(B, false);
            Dot unread = edit(f, A, new Change.SetSetting("k", "B never read this"));
            assertTrue(f.stop(A, Fleet.Stop.CLOSE).confirmed(), "A's close did not confirm its upload");
            assertEquals(Set.of(), f.restoredAway(), "nothing restored yet");

            assertTrue(f.rebuildFolder(A));
            assertEquals(Set.of(unread), f.restoredAway(), "the restore lost A's newest entry, and A is not running to upload it again");
            f.online(B, true);
            Thread.sleep(1_000);
            assertFalse(state(f, B).context().contains(unread), "B read an entry the restore lost");

            f.start(A);
            assertEquals(Set.of(), f.restoredAway(), "A runs again: it repairs its folder itself");
            awaitConverged(f, List.of(unread), List.of(A, B));
        }
    }

    /**
     * A leaver whose only sibling is away: its stop returns once it is retired and its uploads are on the server, and its
     * wait for a sibling to read the leave runs after, so the sibling can start meanwhile, as its account's next step
     * would; the wait ends by itself (bounded), and the sibling retires the leaver.
     */
    @Test
    void leave_withItsSiblingAway_returnsOnceRetired_andWaitsForAReaderAfter() throws Exception {
        try (Fleet f = new HostedFleet(roster, AccountStores.open("memory", new SecureRandom()), Clock.systemUTC(), HostedFleet.Options.defaults())) {
            f.start(A);
            f.start(B);
            awaitConverged(f, List.of(edit(f, A, new Change.SetSetting("k", "a"))), List.of(A, B));
            f.stop(B, Fleet.Stop.CRASH);

            assertEquals(new Fleet.Stopped(true, true), f.stop(A, Fleet.Stop.LEAVE), "A's leave: catch-up, retirement and uploads confirmed");
            CompletableFuture<Boolean> read = f.readBack(A).toCompletableFuture();
            assertFalse(read.isDone(), "A's wait for a reader runs after its stop returned");
            assertFalse(f.isRunning(A));
            f.start(B);
            read.get(60, TimeUnit.SECONDS); // read back or not, depending on how fast B came back: bounded either way
            String a = roster.device(A).deviceId();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (state(f, B).devices().get(a).status() != DeviceStatus.RETIRED) {
                assertTrue(System.nanoTime() < deadline, "B did not retire A, which left");
                Thread.sleep(50);
            }
            assertFalse(f.readBack(B).toCompletableFuture().get(), "a device that did not leave has no wait");
        }
    }

    /**
     * A device the fleet counts as paired was retired by expiry while it was offline, and learnt it once back: a newcomer
     * whose only partner it is gets refused at once (the retired device aborts the pairing, so the newcomer does not wait
     * for a code that never comes), and does not run: an outcome, {@code NoPartner}, not a failed start.
     */
    @Test
    void aNewcomerWhoseOnlyPartnerWasRetired_isNotStarted_andToldSoAtOnce() throws Exception {
        java.util.concurrent.atomic.AtomicLong jump = new java.util.concurrent.atomic.AtomicLong();
        Clock clock = new dev.kinbox.simulator.run.VirtualClock(java.time.Instant.now(), 1, () -> System.nanoTime() + jump.get());
        var options = new HostedFleet.Options(50, java.time.Duration.ofSeconds(2), 8, java.time.Duration.ofMinutes(10),
                java.time.Duration.ofMillis(200), java.time.Duration.ofMillis(100));
        try (Fleet f = new HostedFleet(roster, AccountStores.open("memory", new SecureRandom()), clock, options)) {
            f.start(A);
            f.start(B);
            String b = roster.device(B).deviceId();
            f.online(B, false);
            jump.addAndGet(TimeUnit.MINUTES.toNanos(30)); // B silent for 30 minutes, past the 10-minute expiry
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (state(f, A).devices().get(b).status() != DeviceStatus.RETIRED) {
                assertTrue(System.nanoTime() < deadline, "A did not retire B, silent past the expiry");
                Thread.sleep(50);
            }
            f.online(B, true);
            while (f.retirement(B).toCompletableFuture().get(30, TimeUnit.SECONDS).isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "B, back online, did not learn it was retired");
                Thread.sleep(50);
            }
            f.online(A, false); // B is the only partner C can ask

            Fleet.NoPartner none = assertThrows(Fleet.NoPartner.class, () -> f.start(C));

            assertTrue(none.getMessage().contains(B + " (") && none.getMessage().contains("aborted"),
                    "C asked B, which refused and aborted the pairing: " + none.getMessage());
            assertEquals(Set.of(A, B), f.running(), "C does not run");
        }
    }

    @Test
    void start_twice_orStopOfStoppedDevice_isRefused() throws Exception {
        try (Fleet f = new HostedFleet(roster, AccountStores.open("memory", new SecureRandom()), Clock.systemUTC(), HostedFleet.Options.defaults())) {
            f.start(A);
            assertThrows(Fleet.FleetException.class, () -> f.start(A));
            assertThrows(Fleet.FleetException.class, () -> f.stop(B, Fleet.Stop.CRASH));
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.edit(B, new Change.CreateContact("x")).toCompletableFuture().get());
            assertTrue(e.getCause().getMessage().contains("not running"), e.getCause().getMessage());
        }
    }

    @Test
    void remove_retiresTheDeviceInEverySibling_whoseLaterEntriesDoNotOpenWithItsKey() throws Exception {
        AccountStores stores = AccountStores.open("memory", new SecureRandom());
        try (Fleet f = new HostedFleet(roster, stores, Clock.systemUTC(), HostedFleet.Options.defaults())) {
            f.start(A);
            f.start(B);
            f.start(C);
            awaitConverged(f, List.of(edit(f, A, new Change.SetSetting("k", "before"))), List.of(A, B, C));

            f.remove(A, B);
            assertEquals(java.util.Set.of(A, C), f.running(), "the removed device is stopped");
            assertEquals(2, f.runningCount());
            assertTrue(f.isRunning(C) && !f.isRunning(B), "isRunning agrees with running()");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (state(f, C).devices().get(roster.device(B).deviceId()).status() != DeviceStatus.RETIRED) {
                assertTrue(System.nanoTime() < deadline, "C never learned of the removal");
                Thread.sleep(20);
            }
            List<Dot> after = new ArrayList<>();
            for (int i = 0; i < 8; i++) after.add(edit(f, i % 2 == 0 ? A : C, new Change.SetSetting("k", "after-" + i)));
            awaitConverged(f, after, List.of(A, C));
            RetiredReadable seen = null;
            int more = 0;
            while (seen == null || seen.checked() == 0) { // until A's entries past the retirement are uploaded
                assertTrue(System.nanoTime() < deadline, "A uploaded nothing after the retirement: " + seen);
                seen = f.readableByRetired(A, B);
                // A uploads only its own events (journal v2): edit on A until an entry of its starts past the audit's margin
                if (seen.checked() == 0 && more < 40) edit(f, A, new Change.SetSetting("k", "more-" + more++));
                Thread.sleep(50);
            }
            assertTrue(seen.retiredAt() > 0, seen.toString());
            assertEquals(0, seen.readable(), "entries written after the removal open with the removed device's key: " + seen);
            assertEquals(-1, f.readableByRetired(A, C).retiredAt(), "C was never retired");

            // the audit itself finds entries a device can still read: told that A retired C at entry 1, it opens A's later entries with C's key
            var claimed = List.<dev.kinbox.simulator.trace.JournalEntry>of(new dev.kinbox.simulator.trace.JournalEntry.Applied(1,
                    new dev.kinbox.persistence.DeviceEvent.DeviceRetired(new Dot(roster.device(A).deviceId(), 999),
                            new dev.kinbox.persistence.crdt.Hlc(0, 0, roster.device(A).deviceId()), roster.device(C).deviceId())));
            RetiredReadable leak = RetiredReadable.audit(roster, A, C, claimed, stores, Crypto.standard());
            assertTrue(leak.readable() > 0, "the audit opened nothing sealed to a paired device: " + leak);

            Fleet.RetiredDevice back = assertThrows(Fleet.RetiredDevice.class, () -> f.start(B));
            assertTrue(back.getMessage().contains("retired"), back.getMessage());
            assertEquals(java.util.Set.of(A, C), f.running());
        }
    }

    /**
     * The provider deleted every announcement: a newcomer sees an empty account and bootstraps one of its
     * own. Its user knows better and pairs it with a device of the account; the two states merge.
     */
    @Test
    void aNewcomerThatFoundNoAnnouncement_bootstrapsAndIsPairedIntoTheAccount_withBothAccountKeys() throws Exception {
        try (Fleet f = new HostedFleet(roster, AccountStores.open("memory", new SecureRandom()), Clock.systemUTC(), HostedFleet.Options.defaults())) {
            List<Dot> acked = new ArrayList<>();
            f.start(A);
            f.start(B);
            acked.add(edit(f, A, new Change.SetSetting("k", "a")));
            assertTrue(f.hostile(A, dev.kinbox.simulator.workload.HostileAct.DELETE_ANNOUNCE));
            assertTrue(f.hostile(B, dev.kinbox.simulator.workload.HostileAct.DELETE_ANNOUNCE));
            assertEquals(0, f.secondRoots());

            f.start(C);

            assertEquals(1, f.secondRoots(), "C bootstrapped, then was paired");
            acked.add(edit(f, C, new Change.SetSetting("k2", "c")));
            acked.add(edit(f, B, new Change.CreateContact("c1")));
            awaitConverged(f, acked, List.of(A, B, C));
            AccountState s = state(f, A);
            assertEquals(dev.kinbox.persistence.crdt.DeviceStatus.PAIRED, s.devices().get(roster.device(C).deviceId()).status());
            assertEquals(2, s.accountKeys().size(), "A's account key and the one C made stay for decryption");
        }
    }

    private static Dot edit(Fleet f, DeviceRef d, Change c) throws Exception {
        return f.edit(d, c).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static AccountState state(Fleet f, DeviceRef d) throws Exception {
        return f.state(d).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /**
     * Waits until every device holds every dot and all digests agree: with the full MUAA the states also
     * carry life-cycle events (pairings, refreshes) no edit acknowledged, so equal dots come a little
     * before equal digests.
     */
    private static void awaitConverged(Fleet f, List<Dot> dots, List<DeviceRef> devices) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (true) {
            List<AccountState> states = new ArrayList<>();
            for (DeviceRef d : devices) states.add(state(f, d));
            boolean all = states.stream().allMatch(s -> dots.stream().allMatch(s.context()::contains));
            boolean equal = states.stream().allMatch(s -> java.util.Arrays.equals(CODEC.digest(states.get(0)), CODEC.digest(s)));
            if (all && equal) return;
            assertTrue(System.nanoTime() < deadline, "not converged in 40 s (all dots: " + all + ", equal digests: " + equal + "): " + dots);
            Thread.sleep(20);
        }
    }
}
