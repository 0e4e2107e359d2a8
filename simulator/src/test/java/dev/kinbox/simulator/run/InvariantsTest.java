package dev.kinbox.simulator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.SettingsEvent;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.workload.DeviceRef;
import java.util.List;
import java.util.Map;
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
    void check_withAMailboxPastTheStoreBound_reportsStoreBoundedForThatAccount() {
        AccountState s = set(AccountState.EMPTY, A, 1, "x");
        long bound = Invariants.storeBound(2, 10);
        assertEquals(48, bound, "2 slots x (2 x 10 + 4)");
        Invariants.Result within = Invariants.check(roster, Map.of(A, s, B, s), List.of(), Map.of(0, bound), bound);
        assertTrue(within.ok() && within.storeBounded(), within.violations().toString());
        Invariants.Result past = Invariants.check(roster, Map.of(A, s, B, s), List.of(), Map.of(0, bound + 1), bound);
        assertFalse(past.storeBounded());
        Violation v = past.violations().get(0);
        assertEquals("store_bounded", v.invariant());
        assertEquals(roster.accounts().get(0).accountId(), v.accountId());
        assertTrue(v.detail().contains(Long.toString(bound + 1)), v.detail());
    }

    @Test
    void eventsHeld_countsEveryDotOnce() {
        AccountState s = set(set(set(AccountState.EMPTY, A, 1, "x"), A, 2, "z"), B, 1, "y");
        assertEquals(3, Invariants.eventsHeld(set(s, B, 1, "y")), "a duplicate counted twice");
    }
}
