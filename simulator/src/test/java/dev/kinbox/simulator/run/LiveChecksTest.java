package dev.kinbox.simulator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.DeviceEvent;
import dev.kinbox.persistence.SettingsEvent;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.simulator.fleet.HostileProvider;
import dev.kinbox.simulator.fleet.RetiredReadable;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.workload.DeviceRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The checks made during a run, over fake states and counts, and how the first violation of each invariant is recorded. */
class LiveChecksTest {
    private static Roster roster;
    private static final DeviceRef A = new DeviceRef(0, 0);
    private static final DeviceRef B = new DeviceRef(0, 1);
    private static final DeviceRef C = new DeviceRef(0, 2);

    @BeforeAll
    static void keys() throws Exception {
        roster = Roster.generate(1, 4, "live.test.invalid", Crypto.standard());
    }

    private static String id(DeviceRef d) { return roster.device(d).deviceId(); }

    private static AccountState paired(AccountState s, DeviceRef d, long seq) {
        return s.apply(new DeviceEvent.DevicePaired(new Dot(id(A), seq), new Hlc(1000 + seq, 0, id(A)), id(d), id(A)));
    }

    private static AccountState retired(AccountState s, DeviceRef d, long seq) {
        return s.apply(new DeviceEvent.DeviceRetired(new Dot(id(A), seq), new Hlc(1000 + seq, 0, id(A)), id(d)));
    }

    private static AccountState forged(AccountState s) {
        return s.apply(new SettingsEvent.SettingChanged(new Dot(id(B), 1_000_000_001L), new Hlc(Long.MAX_VALUE / 2, 0, id(B)),
                HostileProvider.TARGET_KEY, HostileProvider.MARKER + "-1"));
    }

    /** The devices whose state holds the marker, as the sampler finds them. */
    private static Set<DeviceRef> forged(Map<DeviceRef, AccountState> states) {
        Set<DeviceRef> out = new java.util.HashSet<>();
        states.forEach((d, st) -> {
            if (Invariants.holdsForgery(st)) out.add(d);
        });
        return out;
    }

    /** Checks on a clock the test sets, announcing into {@code lines}. */
    private static LiveChecks checks(AtomicReference<Double> clock, Set<DeviceRef> mayRetire, List<String> lines) {
        return new LiveChecks(roster, 100, clock::get, () -> mayRetire, lines::add);
    }

    @Test
    void pairedItself_countsOnlyADeviceItsOwnStateRecordsAsPaired() {
        AccountState s = retired(paired(paired(AccountState.EMPTY, A, 1), C, 2), C, 3);
        assertTrue(Sampler.pairedItself(roster, A, s));
        assertFalse(Sampler.pairedItself(roster, B, s), "a device its own state does not list (still pairing) is not paired");
        assertFalse(Sampler.pairedItself(roster, C, s), "a retired device is not paired");
        assertFalse(Sampler.pairedItself(roster, A, AccountState.EMPTY));
    }

    @Test
    void states_withAForgeryAppliedOnOneDevice_recordItOnceWithItsTimeAccountAndDevice() {
        AtomicReference<Double> clock = new AtomicReference<>(0.0);
        List<String> lines = new ArrayList<>();
        LiveChecks live = checks(clock, Set.of(), lines);
        live.phase("steps");
        AccountState ok = paired(AccountState.EMPTY, A, 1);
        live.states(Map.of(A, ok, B, ok), forged(Map.of(A, ok, B, ok)));
        assertFalse(live.any());
        clock.set(3.5);
        live.states(Map.of(A, ok, B, forged(ok)), forged(Map.of(A, ok, B, forged(ok))));
        clock.set(4.0);
        live.states(Map.of(A, ok, B, forged(ok)), forged(Map.of(A, ok, B, forged(ok)))); // seen again: not a new violation
        assertTrue(live.any());
        List<FirstViolation> first = live.firsts();
        assertEquals(1, first.size(), first.toString());
        assertEquals("no_forged_applied", first.get(0).invariant());
        assertEquals(3.5, first.get(0).seconds());
        assertEquals("steps", first.get(0).phase());
        assertEquals(roster.accounts().get(0).accountId(), first.get(0).violation().accountId());
        assertEquals(List.of(id(B)), first.get(0).violation().devices());
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("VIOLATION at 3.5 s (steps): no_forged_applied account " + roster.accounts().get(0).accountId()), lines.get(0));
    }

    @Test
    void storeCount_overTheBound_isAViolationAtOnceAndWithinItNone() {
        AtomicReference<Double> clock = new AtomicReference<>(7.0);
        List<String> lines = new ArrayList<>();
        LiveChecks live = checks(clock, Set.of(), lines);
        live.storeCount(0, 100);
        assertFalse(live.any());
        live.storeCount(0, 101);
        assertEquals("store_bounded", live.firsts().get(0).invariant());
        assertEquals(7.0, live.firsts().get(0).seconds());
        assertTrue(live.firsts().get(0).violation().detail().startsWith("101 journal messages"), live.firsts().get(0).violation().detail());
        live.storeCount(0, 140); // same account: still the first one
        assertEquals(1, live.duringRun().size());
        assertEquals(1, lines.size());
    }

    @Test
    void states_withADeviceRetiredThatMayNotBe_isAViolationAndOneThatMayIsNot() {
        AccountState s = retired(paired(paired(AccountState.EMPTY, A, 1), C, 2), C, 3);
        AtomicReference<Double> clock = new AtomicReference<>(1.0);
        List<String> lines = new ArrayList<>();
        LiveChecks allowed = checks(clock, Set.of(C), lines);
        allowed.states(Map.of(A, s), Set.of());
        assertFalse(allowed.any(), allowed.firsts().toString());
        LiveChecks premature = checks(clock, Set.of(), lines);
        premature.states(Map.of(A, s), Set.of());
        assertEquals(RetirementCheck.NAME, premature.firsts().get(0).invariant());
        assertEquals(List.of(id(C)), premature.firsts().get(0).violation().devices());
    }

    @Test
    void audits_whereARetiredDeviceOpensAnEntryWrittenSince_areAViolationNamingWriterAndRetired() {
        AtomicReference<Double> clock = new AtomicReference<>(4.0);
        List<String> lines = new ArrayList<>();
        LiveChecks live = checks(clock, Set.of(), lines);
        live.audits(List.of(new RetirementCheck.Audit(A, C, new RetiredReadable(5, 3, 0)), new RetirementCheck.Audit(B, C, new RetiredReadable(-1, 0, 0))));
        assertFalse(live.any(), "nothing readable: " + live.firsts());
        live.audits(List.of(new RetirementCheck.Audit(A, C, new RetiredReadable(5, 3, 2))));
        FirstViolation f = live.firsts().get(0);
        assertEquals(RetirementCheck.NAME, f.invariant());
        assertEquals(List.of(id(A), id(C)), f.violation().devices());
        assertEquals(4.0, f.seconds());
        assertEquals(1, lines.size());
    }

    @Test
    void atEnd_recordsWhatTheRunDidNotSeeAsFirstSeenAtTheEndWithoutAnnouncingIt() {
        AtomicReference<Double> clock = new AtomicReference<>(2.0);
        List<String> lines = new ArrayList<>();
        LiveChecks live = checks(clock, Set.of(), lines);
        live.phase("steps");
        live.stepError(A, "start of " + A + " failed");
        Violation step = live.duringRun().get(0);
        assertTrue(live.seen(step));
        Violation lost = new Violation("no_lost_edits", roster.accounts().get(0).accountId(), List.of(id(B)), List.of(id(A) + ":1"), "1 missing");
        assertFalse(live.seen(lost));
        assertEquals(List.of(step), live.notIn(List.of(lost)), "the final check did not find the step error: it must be added");
        assertEquals(List.of(), live.notIn(List.of(step, lost)));
        clock.set(12.0);
        live.atEnd(List.of(lost));
        assertEquals(List.of("all_steps_executed", "no_lost_edits"), live.firsts().stream().map(FirstViolation::invariant).toList());
        assertEquals("end", live.firsts().get(1).phase());
        assertEquals(12.0, live.firsts().get(1).seconds());
        assertFalse(live.seen(lost), "seen at the end, not during the run");
        assertEquals(1, lines.size(), "only the step error was announced: " + lines);
    }

    @Test
    void manyViolations_areAnnouncedUpToALimitThenOnceMore() {
        AtomicReference<Double> clock = new AtomicReference<>(1.0);
        List<String> lines = new ArrayList<>();
        LiveChecks live = checks(clock, Set.of(), lines);
        for (int i = 0; i < 30; i++) live.stepError(null, "step " + i + " failed");
        assertEquals(11, lines.size(), lines.toString());
        assertTrue(lines.get(10).contains("not printed"), lines.get(10));
        assertEquals(30, live.duringRun().size());
    }
}
