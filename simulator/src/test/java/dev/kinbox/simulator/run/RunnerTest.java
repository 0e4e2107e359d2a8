package dev.kinbox.simulator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.simulator.fleet.AccountStores;
import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.fleet.ForwardingFleet;
import dev.kinbox.simulator.fleet.LosingFleet;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.fleet.HostedFleet;
import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.workload.HostileAct;
import dev.kinbox.simulator.workload.Schedule;
import dev.kinbox.simulator.workload.Step;
import dev.kinbox.simulator.workload.Workload;
import dev.kinbox.simulator.workload.WorkloadOptions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class RunnerTest {
    /** 2 accounts of 2-3 devices, 4 simulated hours at one simulated hour per real second, with churn. */
    static Schedule tiny(long seed) {
        return tiny(seed, 0);
    }

    /** As {@link #tiny(long)}, with {@code hostilePerDay} hostile provider acts per account per simulated day. */
    static Schedule tiny(long seed, double hostilePerDay) {
        return Workload.generate(seed, new WorkloadOptions(2, 2, 3, Duration.ofHours(4), 200, 3, 2, 6, 6, Duration.ofMinutes(30), hostilePerDay,
                10_000));
    }

    /**
     * A {@link #tiny} schedule with 240 hostile acts per account per day, each kind of act scheduled at
     * least six times (seed 786: 6-12 each of the twelve, 7 DELETE_NOTICE and 10 DELETE_ROLL, which need a notice or a
     * roll there first; seed 89, 7-15 each of ten, until the acts on rolls came; seed 293 has the provider withhold both a
     * leaver's retirement entry and its notice, which nothing can learn from before the leaver's expiry). An act finds nothing to act on now and then (no
     * entry yet, or the device just compacted), so a test that wants every kind carried out needs several
     * chances for each: seed 11 scheduled only two deletions, and once both found nothing. (Seed 19 at 120
     * a day until the acts on announcements came, 2026-12-05.)
     */
    static Schedule hostileSchedule() {
        Schedule s = tiny(786, 240);
        Map<HostileAct, Long> scheduled = s.steps().stream().filter(Step.Hostile.class::isInstance)
                .collect(Collectors.groupingBy(h -> ((Step.Hostile) h).act(), () -> new EnumMap<>(HostileAct.class), Collectors.counting()));
        for (HostileAct act : HostileAct.values()) assertTrue(scheduled.getOrDefault(act, 0L) >= 6, "too few " + act + " scheduled: " + scheduled);
        return s;
    }

    static RunResult run(Schedule s, Duration settle, UnaryOperator<Fleet> decorate) throws Exception {
        return run(s, settle, decorate, HostedFleet.Options.defaults());
    }

    /** As above, the fleet hosting its devices with {@code options} (e.g. a short expiry). */
    static RunResult run(Schedule s, Duration settle, UnaryOperator<Fleet> decorate, HostedFleet.Options options) throws Exception {
        return run(s, settle, decorate, options, "memory");
    }

    /** As above, on the store {@code kind} ({@link AccountStores#open}). */
    static RunResult run(Schedule s, Duration settle, UnaryOperator<Fleet> decorate, HostedFleet.Options options, String kind) throws Exception {
        return run(s, settle, decorate, options, kind, Progress.NONE);
    }

    /** As above, the runner telling {@code progress} of its phases. */
    static RunResult run(Schedule s, Duration settle, UnaryOperator<Fleet> decorate, HostedFleet.Options options, String kind, Progress progress)
            throws Exception {
        Roster roster = Roster.generate(s.options().accounts(), s.options().slotsPerAccount(), "runner.test.invalid", Crypto.standard());
        VirtualClock clock = new VirtualClock(Instant.parse("2030-01-01T00:00:00Z"), 3600, System::nanoTime);
        try (Fleet f = decorate.apply(new HostedFleet(roster, AccountStores.open(kind, new SecureRandom()), clock, options))) {
            return new Runner(f, new RunOptions(3600, settle, Duration.ofMillis(100)), progress).run(s, kind);
        }
    }

    @Test
    void settle_waitsASecond_orOneAndAHalfLivenessChecksOfTheFleet() {
        java.util.function.LongFunction<Fleet.Expiry> checkingEvery = ms -> new Fleet.Expiry(Duration.ofDays(30), Duration.ofDays(1), Duration.ofMillis(ms));
        assertEquals(1_000_000_000L, Runner.settledForNanos(checkingEvery.apply(200)));
        assertEquals(1_500_000_000L, Runner.settledForNanos(checkingEvery.apply(1000)));
        assertEquals(10_950_000_000L, Runner.settledForNanos(checkingEvery.apply(7300)), "366 devices on a server: a check every 7.3 s");
    }

    @Test
    void run_ofTinyChurningWorkload_convergesWithEveryAckedEditEverywhere() throws Exception {
        Schedule s = tiny(7);
        RunResult r = run(s, Duration.ofSeconds(30), f -> f);
        System.out.println("tiny run: " + r.ackedEdits() + " edits, store journal max " + r.storeJournalMax() + " (bound " + r.storeBound() + ", nudges max " + r.storeDropsMax() + "), lag p50/p99/max " + r.lagP50Ms() + "/" + r.lagP99Ms() + "/" + r.lagMaxMs() + " ms, " + r.steps() + ", wall " + r.wallSeconds() + " s, start " + r.startMsPerDevice() + " ms/device, heap " + r.heapBytesPerDevice() + " B/device, threads " + r.threadsPerDevice() + "/device");
        assertTrue(r.ok(), r.check().violations() + " " + r.notes());
        assertTrue(r.check().converged());
        assertTrue(r.settleSeconds() >= 1.0, "the settle ends only after a second of clean checks, once every device's last liveness check was acted on: " + r.settleSeconds());
        assertEquals(0, r.check().lostEdits());
        assertTrue(r.ackedEdits() > 20, "few edits acknowledged: " + r.ackedEdits());
        assertTrue(r.eventsApplied() >= r.ackedEdits(), r.eventsApplied() + " events for " + r.ackedEdits() + " edits");
        assertTrue(r.lagP50Ms() >= 0 && r.lagP99Ms() >= r.lagP50Ms() && r.lagMaxMs() >= r.lagP99Ms(), "lag " + r.lagP50Ms() + "/" + r.lagP99Ms());
        assertTrue(r.devicesPeak() >= 2 && r.storeOps() > 0 && r.storeMessagesPerAccountMax() > 0, r.toString());
        assertFalse(r.timeline().isEmpty());
        assertTrue(r.firstViolations().isEmpty(), r.firstViolations().toString());
        // every device running at the end finished pairing (the fleet's start waits for it) and none is retired here
        Sample last = r.timeline().get(r.timeline().size() - 1);
        assertTrue(last.running() >= 2 && last.paired() == last.running(), last.toString());
        assertTrue(r.devicesPairedPeak() >= 2 && r.devicesPairedPeak() <= r.devicesStarted(), r.devicesPairedPeak() + " of " + r.devicesStarted());
        assertTrue(r.check().storeBounded() && r.storeJournalMax() > 0 && r.storeJournalMax() <= r.storeBound(),
                "journal messages " + r.storeJournalMax() + " bound " + r.storeBound());
    }

    @Test
    void run_whoseFleetCannotStartItsDevicesClock_failsWithAStepErrorNotedFirst() throws Exception {
        Schedule s = tiny(7);
        Roster roster = Roster.generate(s.options().accounts(), s.options().slotsPerAccount(), "runner.test.invalid", Crypto.standard());
        VirtualClock clock = VirtualClock.held(Instant.parse("2030-01-01T00:00:00Z"), 3600, System::nanoTime);
        String lost = "the devices' clock did not start within 10.0 s on 1 of 2 nodes: pekko://kinbox-sim@h:2552 (timed out)";
        try (Fleet f = new ForwardingFleet(new HostedFleet(roster, AccountStores.open("memory", new SecureRandom()), clock,
                HostedFleet.Options.defaults())) {
            @Override public void clockStarted() throws FleetException { throw new FleetException(lost, null); }
        }) {
            RunResult r = new Runner(f, new RunOptions(3600, Duration.ofSeconds(30), Duration.ofMillis(100)), Progress.NONE)
                    .drivingClock(clock).run(s, "memory");
            assertFalse(r.ok(), "a node's clock that may stand still fails the run");
            assertEquals(1, r.stepErrors());
            assertEquals(lost, r.notes().get(0));
            assertTrue(r.firstViolations().stream().anyMatch(v -> v.toString().contains(lost)), r.firstViolations().toString());
        }
    }

    @Test
    void run_removingADeviceJustPaired_waitsUntilTheRemoverKnowsIt() throws Exception {
        DeviceRef d0 = new DeviceRef(0, 0), d1 = new DeviceRef(0, 1), d2 = new DeviceRef(0, 2);
        long t = Duration.ofMinutes(30).toMillis();
        Schedule s = new Schedule(7, tiny(7).options(), java.util.List.of(new Step.Join(0, d0), new Step.Join(0, d1), new Step.Join(t, d2),
                new Step.Remove(t + 1, d2, d0)));
        RunResult r = run(s, Duration.ofSeconds(10), f -> new LateToLearn(f, d0, d2, 1500));
        assertEquals(0, r.stepErrors(), r.notes().toString());
        assertEquals(1, r.check().retiredDevices(), "the removal went through once the remover knew the device");
    }

    private static final DeviceRef D0 = new DeviceRef(0, 0), D1 = new DeviceRef(0, 1);

    /**
     * D1 is offline long enough to be expired (by this fleet's limit), and a removal through it, back,
     * is refused: it learnt it was retired. The user is told so; an outcome, not a step error.
     */
    @Test
    void run_whereARemovalGoesThroughADeviceThatLearntItWasRetired_countsTheRefusalAsAnOutcome() throws Exception {
        long m = Duration.ofMinutes(1).toMillis();
        Schedule s = new Schedule(7, tiny(7).options(), java.util.List.of(new Step.Join(0, D0), new Step.Join(0, D1),
                new Step.Offline(10 * m, D1), new Step.Online(70 * m, D1), new Step.Remove(80 * m, D0, D1)));
        RunResult r = run(s, Duration.ofSeconds(2), f -> new ForwardingFleet(f) {
            @Override public Expiry expiry() { return new Expiry(Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofMillis(100)); }

            @Override public void remove(DeviceRef by, DeviceRef target) throws FleetException {
                if (by.equals(D1)) throw new FleetException("cannot remove " + target + " by " + by + ": MUAA refused: retired", null);
                delegate.remove(by, target);
            }

            @Override public java.util.concurrent.CompletionStage<java.util.Optional<String>> retirement(DeviceRef d) {
                return d.equals(D1) ? java.util.concurrent.CompletableFuture.completedFuture(java.util.Optional.of("silent too long"))
                        : delegate.retirement(d);
            }
        });
        assertEquals(0, r.stepErrors(), r.notes().toString());
    }

    /**
     * D1 crashes and, back, finds itself retired (expired while away, on a loaded machine whose steps lag
     * the devices' clocks): the user's later steps on it - a removal through it, abandoning it - have no
     * device to act on. They are outcomes, as its start was, not step errors.
     */
    @Test
    void run_whereADeviceFindsItselfRetiredAtItsRestart_skipsItsLaterStops_withoutAStepError() throws Exception {
        long t = Duration.ofMinutes(30).toMillis();
        Schedule s = new Schedule(7, tiny(7).options(), java.util.List.of(new Step.Join(0, D0), new Step.Join(0, D1),
                new Step.Crash(t, D1), new Step.Restart(t + 1, D1), new Step.Remove(t + 2, D0, D1), new Step.Abandon(t + 3, D1)));
        RunResult r = run(s, Duration.ofSeconds(3), f -> new ForwardingFleet(f) {
            private boolean startedOnce;

            @Override public void start(DeviceRef d) throws FleetException {
                if (d.equals(D1) && startedOnce) throw new RetiredDevice(d + " found itself retired at its start: expired");
                if (d.equals(D1)) startedOnce = true;
                delegate.start(d);
            }
        });
        assertEquals(0, r.stepErrors(), r.notes().toString());
    }

    /**
     * D1 joins later and finds no device to pair with (the one it asked was retired meanwhile, and refused): it does not
     * run, and the user's later steps on it - crashing it, a removal through it or of it, going offline and back, its
     * leave - have no device to act on.
     * Outcomes, as its start was, with a note saying why; not step errors.
     */
    @Test
    void run_whereANewcomerFindsNoDeviceToPairWith_skipsItsLaterStops_withoutAStepError() throws Exception {
        long t = Duration.ofMinutes(30).toMillis();
        Schedule s = new Schedule(7, tiny(7).options(), java.util.List.of(new Step.Join(0, D0), new Step.Join(t, D1),
                new Step.Crash(t + 1, D1), new Step.Remove(t + 2, D0, D1), new Step.Remove(t + 3, D1, D0), new Step.Offline(t + 4, D1),
                new Step.Online(t + 5, D1), new Step.Leave(t + 6, D1),
                new Step.Edit(t + Duration.ofHours(5).toMillis(), D0, new dev.kinbox.simulator.workload.Change.SetSetting("k", "later"))));
        String why = D1 + " found no device of its account to pair with: " + D0 + " (pairing aborted; it was retired: expired)";
        // a 10-minute expiry, and D0's edit 5 simulated hours later: had D1's offline step run, its silence since would
        // by then require D1 retired in D0's state (past the expiry and the check's slack), and D0 never knew it
        HostedFleet.Options expiring = new HostedFleet.Options(50, Duration.ofSeconds(2), 8, Duration.ofMinutes(10), Duration.ofMillis(200),
                Duration.ofMillis(500));
        RunResult r = run(s, Duration.ofSeconds(3), f -> new ForwardingFleet(f) {
            @Override public void start(DeviceRef d) throws FleetException {
                if (d.equals(D1)) throw new NoPartner(why);
                delegate.start(d);
            }
        }, expiring);
        assertEquals(0, r.stepErrors(), r.notes().toString());
        assertTrue(r.notes().contains(why), r.notes().toString());
        assertTrue(r.ok(), r.check().violations() + " " + r.notes());
    }

    /** D0 and D1 join; half an hour later D1 edits and leaves. */
    private static Schedule editThenLeave() {
        long t = Duration.ofMinutes(30).toMillis();
        return new Schedule(7, tiny(7).options(), java.util.List.of(new Step.Join(0, D0), new Step.Join(0, D1),
                new Step.Edit(t, D1, new dev.kinbox.simulator.workload.Change.SetSetting("k", "v")), new Step.Leave(t + 1, D1)));
    }

    /** d1 edits, then leaves: it retires itself, d0 retires it, and d1's edit is required on d0 (none of it excused as retired). */
    @Test
    void run_whereADeviceLeavesInOrder_hasItRetiredByItsSibling_withItsLastEditKept() throws Exception {
        Schedule s = editThenLeave();
        RunResult r = run(s, Duration.ofSeconds(10), f -> f);
        assertTrue(r.ok(), r.check().violations() + " " + r.notes());
        assertEquals(0, r.stepErrors(), r.notes().toString());
        assertEquals(1, r.check().retiredDevices(), "d0 retired d1, which left");
        assertEquals(0, r.check().retiredMissing(), "d1's edit reached d0 before its retirement");
        assertEquals(0, r.check().leftMissing());
    }

    /**
     * A leaver waits for a sibling to read its leave after its stop returned ({@link Fleet#readBack}), so its account's
     * next step runs meanwhile: here the wait ends only once d0's edit, due a simulated minute after the leave, was asked.
     * A runner holding the account's lane through the wait would ask it only after the wait gave up (20 s), with the leave
     * noted unread.
     */
    @Test
    void run_whereALeaverWaitsForASiblingToReadIt_goesOnWithTheAccountsNextStepMeanwhile() throws Exception {
        long t = Duration.ofMinutes(30).toMillis();
        Schedule s = new Schedule(7, tiny(7).options(), java.util.List.of(new Step.Join(0, D0), new Step.Join(0, D1), new Step.Leave(t, D1),
                new Step.Edit(t + Duration.ofMinutes(1).toMillis(), D0, new dev.kinbox.simulator.workload.Change.SetSetting("k", "after"))));
        java.util.concurrent.CompletableFuture<Void> editAsked = new java.util.concurrent.CompletableFuture<>();
        RunResult r = run(s, Duration.ofSeconds(10), f -> new ForwardingFleet(f) {
            @Override public java.util.concurrent.CompletionStage<dev.kinbox.persistence.crdt.Dot> edit(DeviceRef d,
                                                                                                     dev.kinbox.simulator.workload.Change c) {
                editAsked.complete(null);
                return delegate.edit(d, c);
            }

            @Override public java.util.concurrent.CompletionStage<Boolean> readBack(DeviceRef d) {
                return editAsked.orTimeout(20, java.util.concurrent.TimeUnit.SECONDS).thenCompose(asked -> delegate.readBack(d))
                        .exceptionally(gaveUp -> false);
            }
        });
        assertTrue(r.ok(), r.check().violations() + " " + r.notes());
        assertEquals(0, r.stepErrors(), r.notes().toString());
        assertTrue(r.notes().stream().noneMatch(n -> n.contains("no sibling showed it read")), "d1's leave was read: " + r.notes());
        assertEquals(1, r.check().retiredDevices(), "d0 retired d1, which left");
    }

    /**
     * Which stops for good make a device's edits required everywhere: a confirmed leave that retired it, or a
     * confirmed abandon - unless the device was silent long enough earlier to be retired by expiry then (its
     * edits after that are refused by design, even if it later left in order).
     */
    @Test
    void stopForGood_isInOrder_onlyConfirmed_andOnlyForADeviceNoSiblingCouldHaveRetiredBefore() {
        Fleet.Stopped retired = new Fleet.Stopped(true, true), alone = new Fleet.Stopped(true, false),
                unconfirmed = new Fleet.Stopped(false, true);
        assertTrue(Runner.inOrder(retired, Fleet.Stop.LEAVE, false));
        assertTrue(Runner.inOrder(alone, Fleet.Stop.CLOSE, false), "an abandon: its siblings read its folder before they expire it");
        assertFalse(Runner.inOrder(alone, Fleet.Stop.LEAVE, false), "a lone leaver did not retire itself");
        assertFalse(Runner.inOrder(unconfirmed, Fleet.Stop.LEAVE, false));
        assertFalse(Runner.inOrder(retired, Fleet.Stop.LEAVE, true), "silent past the limit before: a sibling may have expired it then");
        assertFalse(Runner.inOrder(alone, Fleet.Stop.CLOSE, true));
    }

    @Test
    void run_whereALeavingDevicesUploadsAreNotConfirmed_countsItsMissingEditApart_andNotesTheLeave() throws Exception {
        Schedule s = editThenLeave();
        // d1 acknowledges the edit and is taken away before it uploads it: its edit is on no other device
        RunResult r = run(s, Duration.ofSeconds(3), f -> new ForwardingFleet(new LosingFleet(f, 1)) {
            @Override public Stopped stop(DeviceRef d, Stop how) throws FleetException {
                Stopped s = delegate.stop(d, how);
                return how == Stop.LEAVE && d.equals(D1) ? new Stopped(false, s.retired()) : s;
            }
        });
        assertEquals(0, r.check().lostEdits(), r.check().violations().toString());
        assertEquals(1, r.check().leftMissing());
        assertTrue(r.ok(), r.check().violations() + " " + r.notes());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("leave of " + D1) && n.contains("not confirmed")), r.notes().toString());
    }

    /**
     * {@code remover}'s state shows {@code joiner} only {@code lagMillis} after it started, and the
     * remover refuses to remove it before - as a sibling that has not read the pairing yet does.
     */
    static final class LateToLearn extends dev.kinbox.simulator.fleet.ForwardingFleet {
        private final DeviceRef remover, joiner;
        private final long lagMillis;
        private volatile long joinedAt = Long.MAX_VALUE;

        LateToLearn(Fleet f, DeviceRef remover, DeviceRef joiner, long lagMillis) {
            super(f);
            this.remover = remover;
            this.joiner = joiner;
            this.lagMillis = lagMillis;
        }

        private boolean known() {
            return System.currentTimeMillis() - joinedAt >= lagMillis;
        }

        @Override public void start(DeviceRef d) throws FleetException {
            delegate.start(d);
            if (d.equals(joiner)) joinedAt = System.currentTimeMillis();
        }

        @Override public java.util.concurrent.CompletionStage<dev.kinbox.persistence.AccountState> state(DeviceRef d) {
            if (!d.equals(remover) || known()) return delegate.state(d);
            String id = roster().device(joiner).deviceId();
            return delegate.state(d).thenApply(st -> new dev.kinbox.persistence.AccountState(st.context(), st.devices().minus(id), st.accountKeys(),
                    st.peers(), st.verified(), st.contacts(), st.contactAddresses(), st.settings(), st.mailingLists(), st.domainPolicies()));
        }

        @Override public void remove(DeviceRef by, DeviceRef target) throws FleetException {
            if (by.equals(remover) && target.equals(joiner) && !known()) throw new FleetException("MUAA refused: no device in this account", null);
            delegate.remove(by, target);
        }
    }

    @Test
    void run_withAHostileProvider_appliesNoForgeryAndStillConvergesWithEveryAckedEdit() throws Exception {
        Schedule s = hostileSchedule();
        RunResult r = run(s, Duration.ofSeconds(30), f -> f);
        System.out.println("hostile run: " + r.hostileActs() + " of " + s.counts().get("Hostile") + " scheduled, refusals " + r.refusals() + ", withheld unhealed " + r.check().withheldMissing()
                + ", " + r.ackedEdits() + " edits, wall " + r.wallSeconds() + " s");
        assertTrue(r.ok(), r.check().violations() + " " + r.notes());
        assertEquals(0, r.check().forgedApplied());
        for (String act : new String[] {"FORGE", "INJECT", "FORGE_NOTICE", "ALTER_ANNOUNCE", "DELETE_ANNOUNCE", "FORGE_ROLL"}) {
            assertTrue(r.hostileActs().getOrDefault(act, 0) > 0, "no " + act + ": " + r.hostileActs());
        }
        assertTrue(r.refusals().untrusted() > 0, "no forged entry was refused: " + r.refusals());
        assertTrue(r.refusals().announcementsRefused() > 0, "no forged notice or altered announcement was refused: " + r.refusals());
        assertTrue(r.refusals().impostorsDeleted() > 0, "no device deleted what was forged in its name: " + r.refusals());
        assertTrue(r.ackedEdits() > 20, "few edits acknowledged: " + r.ackedEdits());
    }

    @Test
    void run_withAHostileProviderOnGreenMail_actsThroughAnImapSession_appliesNoForgeryAndStillConverges() throws Exception {
        Schedule s = hostileSchedule();
        RunResult r = run(s, Duration.ofSeconds(30), f -> f, HostedFleet.Options.forStore("greenmail"), "greenmail");
        System.out.println("hostile GreenMail run: " + r.hostileActs() + " of " + s.counts().get("Hostile") + " scheduled, refusals " + r.refusals()
                + ", withheld unhealed " + r.check().withheldMissing() + ", " + r.ackedEdits() + " edits, wall " + r.wallSeconds() + " s, notes " + r.notes());
        assertTrue(r.ok(), r.check().violations() + " " + r.notes());
        assertEquals(0, r.check().forgedApplied());
        for (String act : new String[] {"FORGE", "INJECT", "ALTER", "DELETE", "FORGE_NOTICE", "ALTER_ANNOUNCE", "DELETE_ANNOUNCE", "FORGE_ROLL"}) {
            assertTrue(r.hostileActs().getOrDefault(act, 0) > 0, "no " + act + ": " + r.hostileActs());
        }
        assertTrue(r.refusals().untrusted() > 0, "no forged entry was refused: " + r.refusals());
        assertTrue(r.refusals().announcementsRefused() > 0, "no forged notice or altered announcement was refused: " + r.refusals());
        assertTrue(r.refusals().impostorsDeleted() > 0, "no device deleted what was forged in its name: " + r.refusals());
        assertTrue(r.refusals().auditRepairs() > 0, "no author uploaded again what the provider deleted or altered: " + r.refusals());
        assertTrue(r.ackedEdits() > 20, "few edits acknowledged: " + r.ackedEdits());
    }

    @Test
    void run_onAFleetThatLetsAForgeryThrough_failsNoForgedApplied() throws Exception {
        RunResult r = run(tiny(12, 120), Duration.ofSeconds(2), f -> new ForgingFleet(f, new DeviceRef(0, 0)));
        assertFalse(r.ok());
        assertEquals(1, r.check().forgedApplied());
        assertTrue(r.check().violations().stream().anyMatch(v -> v.invariant().equals("no_forged_applied")
                && v.accountId().equals("sim0@runner.test.invalid") && v.devices().size() == 1), r.check().violations().toString());
        FirstViolation first = r.firstViolations().stream().filter(f -> f.invariant().equals("no_forged_applied")).findFirst().orElseThrow();
        assertTrue(!first.phase().equals("end") && first.seconds() >= 0 && first.seconds() <= r.wallSeconds(), "seen by a sample: " + first);
    }

    @Test
    void run_onAFleetWhoseDeviceTrustedAForgedNotice_failsSilentDevicesRetired_namingIt() throws Exception {
        DeviceRef fooled = new DeviceRef(0, 0);
        RunResult r = run(tiny(12), Duration.ofSeconds(2), f -> new FooledFleet(f, fooled));
        assertFalse(r.ok());
        assertTrue(r.check().violations().stream().anyMatch(v -> v.invariant().equals("silent_devices_retired")
                && v.accountId().equals("sim0@runner.test.invalid") && v.detail().startsWith(fooled + " learnt it was retired")),
                r.check().violations().toString());
    }

    @Test
    void run_onAFleetThatDropsAnAckedEdit_reportsTheLostEdit() throws Exception {
        // a lost edit never converges: a short settle keeps the test quick (on a loaded machine a few
        // real edits may still be spreading when it ends, so at least the forged one is required)
        RunResult r = run(tiny(8), Duration.ofSeconds(5), f -> new LosingFleet(f, 3));
        assertFalse(r.ok());
        assertTrue(r.check().lostEdits() >= 1, "lost " + r.check().lostEdits());
        assertTrue(r.check().violations().stream().anyMatch(v -> v.invariant().equals("no_lost_edits")
                && v.missingDots().stream().anyMatch(d -> d.endsWith(":1000000003"))), r.check().violations().toString());
    }
}
