package dev.kinbox.simulator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.SettingsEvent;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.simulator.fleet.HostileProvider;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.workload.DeviceRef;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class InvariantsTest {
    private static Roster roster;
    private static final DeviceRef A = new DeviceRef(0, 0);
    private static final DeviceRef B = new DeviceRef(0, 1);

    @BeforeAll
    static void keys() throws Exception {
        roster = Roster.generate(1, 2, "inv.test.invalid", Crypto.standard());
    }

    private static AccountState set(AccountState s, DeviceRef by, long seq, String value) {
        String id = roster.device(by).deviceId();
        return s.apply(new SettingsEvent.SettingChanged(new Dot(id, seq), new Hlc(1000 + seq, 0, id), "k", value));
    }

    private static Dot dot(DeviceRef d, long seq) { return new Dot(roster.device(d).deviceId(), seq); }

    @Test
    void check_withEqualStatesHoldingEveryEdit_holds() {
        AccountState s = set(set(AccountState.EMPTY, A, 1, "x"), B, 1, "y");
        Invariants.Result r = Invariants.check(roster, Map.of(A, s, B, s),
                List.of(new AckedEdit(A, dot(A, 1), 0), new AckedEdit(B, dot(B, 1), 0)));
        assertTrue(r.ok(), r.violations().toString());
        assertEquals(0, r.lostEdits());
        assertEquals(0, r.divergentDevices());
    }

    @Test
    void check_withADeviceMissingAnAckedEdit_reportsTheAccountDeviceAndDot() {
        AccountState a = set(set(AccountState.EMPTY, A, 1, "x"), B, 1, "y");
        AccountState b = set(AccountState.EMPTY, B, 1, "y");
        Invariants.Result r = Invariants.check(roster, Map.of(A, a, B, b),
                List.of(new AckedEdit(A, dot(A, 1), 0), new AckedEdit(B, dot(B, 1), 0)));
        assertFalse(r.converged());
        assertEquals(1, r.divergentDevices());
        assertEquals(1, r.lostEdits());
        Violation lost = r.violations().stream().filter(v -> v.invariant().equals("no_lost_edits")).findFirst().orElseThrow();
        assertEquals(roster.accounts().get(0).accountId(), lost.accountId());
        assertEquals(List.of(roster.device(B).deviceId()), lost.devices());
        assertEquals(List.of(roster.device(A).deviceId() + ":1"), lost.missingDots());
    }

    @Test
    void check_withADeviceBehindByAnEventNoOneWasToldOf_namesWhereTheTwoStatesDiffer() {
        AccountState a = set(set(AccountState.EMPTY, A, 1, "x"), A, 2, "z");
        AccountState b = set(AccountState.EMPTY, A, 1, "x");
        Invariants.Result r = Invariants.check(roster, Map.of(A, a, B, b), List.of(new AckedEdit(A, dot(A, 1), 0)));
        assertEquals(0, r.lostEdits(), "the event b lacks was acknowledged to no one");
        Violation v = r.violations().stream().filter(x -> x.invariant().equals("converged")).findFirst().orElseThrow();
        String idA = roster.device(A).deviceId();
        assertTrue(v.detail().contains("first differences: ") && v.detail().contains("events of " + idA + ": " + idA + " 1..2 | " + roster.device(B).deviceId() + " 1..1")
                && v.detail().contains("setting k: "), v.detail());
    }

    /** {@code by}'s edit {@code seq} of setting k to {@code value}, stamped at {@code wall} (a clock that may have been set back). */
    private static AccountState setAt(AccountState s, DeviceRef by, long seq, long wall, String value) {
        String id = roster.device(by).deviceId();
        return s.apply(new SettingsEvent.SettingChanged(new Dot(id, seq), new Hlc(wall, 0, id), "k", value));
    }

    private static AckedEdit acked(DeviceRef d, long seq, String value) {
        return AckedEdit.of(d, dot(d, seq), 0, new dev.kinbox.simulator.workload.Change.SetSetting("k", value));
    }

    @Test
    void check_withADevicesLaterEditStampedBelowItsEarlierOne_reportsOwnEditsOrdered() {
        // A wrote v1 at 5000, then - its clock set back across a restart - v2 at 3000: v1 still wins
        AccountState s = setAt(setAt(AccountState.EMPTY, A, 1, 5000, "v1"), A, 2, 3000, "v2");
        Invariants.Result r = Invariants.check(roster, Map.of(A, s, B, s), List.of(acked(A, 1, "v1"), acked(A, 2, "v2")));
        assertFalse(r.ownEditsOrdered());
        assertTrue(r.converged() && r.lostEdits() == 0, "every other invariant holds: the devices agree on the wrong value");
        Violation v = r.violations().get(0);
        assertEquals(OwnEditOrder.NAME, v.invariant());
        String a = roster.device(A).deviceId();
        assertTrue(v.detail().contains("setting k holds " + a + ":1 over its later " + a + ":2"), v.detail());
        assertEquals(2, r.violations().size(), "one per running device");
    }

    @Test
    void check_withEditsInOrder_orAnotherDevicesEditWinning_orTheLaterEditNotAcknowledged_holdsOwnEditsOrdered() {
        AccountState inOrder = setAt(setAt(AccountState.EMPTY, A, 1, 3000, "v1"), A, 2, 5000, "v2");
        assertTrue(Invariants.check(roster, Map.of(A, inOrder), List.of(acked(A, 1, "v1"), acked(A, 2, "v2"))).ok());
        AccountState otherWins = setAt(inOrder, B, 1, 9000, "v3");
        assertTrue(Invariants.check(roster, Map.of(A, otherWins), List.of(acked(A, 1, "v1"), acked(A, 2, "v2"), acked(B, 1, "v3"))).ok());
        AccountState setBack = setAt(setAt(AccountState.EMPTY, A, 1, 5000, "v1"), A, 2, 3000, "v2");
        assertTrue(Invariants.check(roster, Map.of(A, setBack), List.of(acked(A, 1, "v1"))).ok(), "the later edit was never acknowledged");
    }

    @Test
    void check_withAMailboxPastTheStoreBound_reportsStoreBoundedForThatAccount() {
        AccountState s = set(AccountState.EMPTY, A, 1, "x");
        long bound = Invariants.storeBound(2, 10);
        assertEquals(48, bound, "2 slots x (2 x 10 + 4)");
        Invariants.Result within = Invariants.check(roster, Map.of(A, s, B, s), List.of(),
                new Invariants.Observed(Map.of(0, bound), bound, Set.of(), Set.of()));
        assertTrue(within.ok() && within.storeBounded(), within.violations().toString());
        Invariants.Result past = Invariants.check(roster, Map.of(A, s, B, s), List.of(),
                new Invariants.Observed(Map.of(0, bound + 1), bound, Set.of(), Set.of()));
        assertFalse(past.storeBounded());
        Violation v = past.violations().get(0);
        assertEquals("store_bounded", v.invariant());
        assertEquals(roster.accounts().get(0).accountId(), v.accountId());
        assertTrue(v.detail().contains(Long.toString(bound + 1)), v.detail());
    }

    /** A setting the provider forged in {@code victim}'s name, as it would be if a device applied it. */
    private static AccountState forged(AccountState s, DeviceRef victim) {
        String id = roster.device(victim).deviceId();
        return s.apply(new SettingsEvent.SettingChanged(new Dot(id, 1_000_000_001L), new Hlc(9_999_999, 0, id), HostileProvider.TARGET_KEY,
                HostileProvider.MARKER + "-1"));
    }

    @Test
    void check_withAnEditMissingWhoseAuthorLeftUnconfirmed_countsItApart_notAsLost() {
        AccountState s = set(AccountState.EMPTY, B, 1, "y");
        List<AckedEdit> acked = List.of(new AckedEdit(A, dot(A, 1), 0), new AckedEdit(B, dot(B, 1), 0));
        Invariants.Result left = Invariants.check(roster, Map.of(B, s), acked,
                new Invariants.Observed(Map.of(), 100, Set.of(), Set.of(), Set.of(roster.device(A).deviceId()), Set.of()));
        assertTrue(left.ok(), left.violations().toString());
        assertEquals(0, left.lostEdits());
        assertEquals(1, left.leftMissing(), "A's edit left with A before it was uploaded");
        Invariants.Result confirmed = Invariants.check(roster, Map.of(B, s), acked, Invariants.Observed.NONE);
        assertEquals(1, confirmed.lostEdits(), "the same edit of a device that left in order is lost");
        assertEquals(0, confirmed.leftMissing());
    }

    /**
     * A retired itself on leaving (its retirement, by A, is in B's state) and B lacks A's edit. A device
     * retired by a sibling or by expiry may take such an edit with it; one that left in order may not:
     * its journal holds its edits before its retirement, and B reads it in order.
     */
    @Test
    void check_withAnEditMissingWhoseAuthorRetiredItselfLeavingInOrder_countsItAsLost_notAsRetiredMissing() {
        String a = roster.device(A).deviceId();
        AccountState onB = set(AccountState.EMPTY, B, 1, "y")
                .apply(new dev.kinbox.persistence.DeviceEvent.DeviceRetired(dot(A, 2), new Hlc(1002, 0, a), a));
        List<AckedEdit> acked = List.of(new AckedEdit(A, dot(A, 1), 0), new AckedEdit(B, dot(B, 1), 0));
        Invariants.Result retired = Invariants.check(roster, Map.of(B, onB), acked, Invariants.Observed.NONE);
        assertTrue(retired.ok(), retired.violations().toString());
        assertEquals(1, retired.retiredMissing(), "retired otherwise: A's edit may go with it");
        Invariants.Result inOrder = Invariants.check(roster, Map.of(B, onB), acked,
                new Invariants.Observed(Map.of(), 100, Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(a)));
        assertFalse(inOrder.ok(), "an edit of a device that left in order is lost when a sibling lacks it");
        assertEquals(1, inOrder.lostEdits());
        assertEquals(0, inOrder.retiredMissing());
        assertEquals(List.of(a + ":1"), inOrder.violations().stream().filter(v -> v.invariant().equals("no_lost_edits"))
                .findFirst().orElseThrow().missingDots());
    }

    @Test
    void check_withAnEditNoDeviceHoldsWhoseEntryARestoreLostWhileItsAuthorWasDown_countsItApart_butNotOneSomeDeviceHolds() {
        AccountState onB = set(AccountState.EMPTY, B, 1, "y"); // A is down; B never read A's edit before the restore lost it
        List<AckedEdit> acked = List.of(new AckedEdit(A, dot(A, 1), 0), new AckedEdit(B, dot(B, 1), 0));
        Invariants.Observed restored = new Invariants.Observed(Map.of(), 100, Set.of(), Set.of(), Set.of(), Set.of(), Set.of(dot(A, 1)));
        Invariants.Result gone = Invariants.check(roster, Map.of(B, onB), acked, restored);
        assertTrue(gone.ok(), gone.violations().toString());
        assertEquals(0, gone.lostEdits());
        assertEquals(1, gone.restoredMissing());
        assertEquals(1, Invariants.check(roster, Map.of(B, onB), acked, Invariants.Observed.NONE).lostEdits(), "without the restore it is lost");

        AccountState onA = set(onB, A, 1, "x"); // A runs again and holds it: B must get it from A, the restore no longer excuses it
        Invariants.Result held = Invariants.check(roster, Map.of(A, onA, B, onB), acked, restored);
        assertFalse(held.ok(), "an edit one device holds and another lacks is lost, restored away or not");
        assertEquals(1, held.lostEdits());
        assertEquals(0, held.restoredMissing());
    }

    @Test
    void check_withADeviceThatLearntItWasRetired_leavesItOutAsAReader_andCountsItsMissingEditsApart() {
        AccountState onA = set(AccountState.EMPTY, A, 1, "x"); // A's edit, which B never read
        AccountState onB = set(AccountState.EMPTY, B, 1, "y"); // B's edit, which A (retired) reads no more
        List<AckedEdit> acked = List.of(new AckedEdit(A, dot(A, 1), 0), new AckedEdit(B, dot(B, 1), 0));
        Invariants.Result learnt = Invariants.check(roster, Map.of(A, onA, B, onB), acked,
                new Invariants.Observed(Map.of(), 100, Set.of(), Set.of(), Set.of(), Set.of(A)));
        assertTrue(learnt.ok(), learnt.violations().toString());
        assertEquals(0, learnt.lostEdits());
        assertEquals(1, learnt.retiredMissing(), "A's own edit left with its retirement");
        assertEquals(1, learnt.retiredDevices());
        Invariants.Result unknown = Invariants.check(roster, Map.of(A, onA, B, onB), acked, Invariants.Observed.NONE);
        assertFalse(unknown.ok(), "without knowing, A counts as a reader that lost B's edit");
        assertEquals(2, unknown.lostEdits());
    }

    @Test
    void stateFacts_areRememberedForAnUnchangedStateObject_andTakenAnewWhenTheStateChanges() {
        StateFacts facts = new StateFacts();
        AccountState s = set(AccountState.EMPTY, A, 1, "x");
        StateFacts.Facts first = facts.of(A, s);
        assertSame(first, facts.of(A, s), "the same state object is not encoded again");
        assertEquals(java.util.HexFormat.of().formatHex(new dev.kinbox.persistence.KinboxCodec().digest(s)), first.digest());
        assertFalse(first.forged());
        StateFacts.Facts changed = facts.of(A, forged(s, A));
        assertTrue(changed.forged(), "a changed state is looked at again");
        assertNotEquals(first.digest(), changed.digest());
        AccountState equalCopy = set(AccountState.EMPTY, A, 1, "x"); // equal, in a new object (as a cluster node's reply is)
        assertEquals(first.digest(), facts.of(A, equalCopy).digest());
        assertFalse(facts.of(A, equalCopy).forged());
    }

    @Test
    void check_withAStateHoldingTheProvidersMarker_reportsNoForgedAppliedForThatDevice() {
        AccountState clean = set(AccountState.EMPTY, A, 1, "x");
        AccountState bad = forged(clean, A);
        assertTrue(Invariants.holdsForgery(bad));
        assertFalse(Invariants.holdsForgery(clean));
        Invariants.Result r = Invariants.check(roster, Map.of(A, clean, B, bad), List.of(new AckedEdit(A, dot(A, 1), 0)));
        assertFalse(r.ok());
        assertEquals(1, r.forgedApplied());
        Violation v = r.violations().stream().filter(x -> x.invariant().equals("no_forged_applied")).findFirst().orElseThrow();
        assertEquals(List.of(roster.device(B).deviceId()), v.devices());
        assertTrue(v.detail().contains("at the end"), v.detail());
    }

    @Test
    void check_withAForgerySeenOnlyAtASample_stillFailsNoForgedApplied() {
        AccountState s = set(AccountState.EMPTY, A, 1, "x");
        Invariants.Result r = Invariants.check(roster, Map.of(A, s, B, s), List.of(), new Invariants.Observed(Map.of(), 100, Set.of(A), Set.of()));
        assertFalse(r.ok());
        assertEquals(1, r.forgedApplied());
        Violation v = r.violations().get(0);
        assertEquals("no_forged_applied", v.invariant());
        assertEquals(List.of(roster.device(A).deviceId()), v.devices());
        assertTrue(v.detail().contains("at a sample"), v.detail());
        Invariants.Result both = Invariants.check(roster, Map.of(A, forged(s, A), B, s), List.of(),
                new Invariants.Observed(Map.of(), 100, Set.of(A), Set.of()));
        assertEquals(1, both.forgedApplied(), "one device seen at a sample and at the end counts once");
    }

    @Test
    void check_withCleanStates_countsNoForgery() {
        AccountState s = set(set(AccountState.EMPTY, A, 1, HostileProvider.TARGET_KEY), B, 1, "y");
        Invariants.Result r = Invariants.check(roster, Map.of(A, s, B, s), List.of(), Invariants.Observed.NONE);
        assertTrue(r.ok(), r.violations().toString());
        assertEquals(0, r.forgedApplied());
    }

    @Test
    void check_withAnEditMissingOnlyBecauseItsEntryWasWithheldAndNotHealed_countsItApartNotAsLost() {
        AccountState a = set(set(AccountState.EMPTY, A, 1, "x"), B, 1, "y");
        AccountState b = set(AccountState.EMPTY, B, 1, "y");
        List<AckedEdit> acked = List.of(new AckedEdit(A, dot(A, 1), 0), new AckedEdit(B, dot(B, 1), 0));
        Invariants.Result unhealed = Invariants.check(roster, Map.of(A, a, B, b), acked,
                new Invariants.Observed(Map.of(), 100, Set.of(), Set.of(dot(A, 1))));
        assertTrue(unhealed.ok(), unhealed.violations().toString());
        assertEquals(0, unhealed.lostEdits());
        assertEquals(1, unhealed.withheldMissing());
        assertTrue(unhealed.converged());
        Invariants.Result otherDotWithheld = Invariants.check(roster, Map.of(A, a, B, b), acked,
                new Invariants.Observed(Map.of(), 100, Set.of(), Set.of(dot(B, 1))));
        assertFalse(otherDotWithheld.ok(), "an edit lost while another was withheld is still lost");
        assertEquals(1, otherDotWithheld.lostEdits());
        assertFalse(otherDotWithheld.converged());
        assertEquals(0, otherDotWithheld.withheldMissing());
    }

    @Test
    void check_withAnEventThatIsNoEditMissingOnlyBecauseItsEntryWasWithheld_isNoConvergedViolation() {
        // A's event 2 (no acknowledged edit: an activity refresh, say) is withheld from B until A's next snapshot
        AccountState b = set(AccountState.EMPTY, A, 1, "x");
        AccountState a = set(b, A, 2, "z");
        List<AckedEdit> acked = List.of(new AckedEdit(A, dot(A, 1), 0));
        Invariants.Result withheld = Invariants.check(roster, Map.of(A, a, B, b), acked,
                new Invariants.Observed(Map.of(), 100, Set.of(), Set.of(dot(A, 2))));
        assertTrue(withheld.ok(), withheld.violations().toString());
        assertTrue(withheld.converged());
        Invariants.Result notWithheld = Invariants.check(roster, Map.of(A, a, B, b), acked, Invariants.Observed.NONE);
        assertFalse(notWithheld.converged(), "the same difference with nothing withheld is a divergence");
        Invariants.Result held = Invariants.check(roster, Map.of(A, a, B, a), acked,
                new Invariants.Observed(Map.of(), 100, Set.of(), Set.of(dot(A, 2))));
        assertTrue(held.converged(), "a withheld event every device holds changes nothing");
    }

    @Test
    void eventsHeld_countsEveryDotOnce() {
        AccountState s = set(set(set(AccountState.EMPTY, A, 1, "x"), A, 2, "z"), B, 1, "y");
        assertEquals(3, Invariants.eventsHeld(set(s, B, 1, "y")), "a duplicate counted twice");
    }
}
