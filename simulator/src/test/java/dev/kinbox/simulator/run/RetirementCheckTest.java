package dev.kinbox.simulator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.workload.DeviceRef;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code silent_devices_retired}'s clause on what a device was told: only a device that may be retired may learn it was. */
class RetirementCheckTest {
    private static Roster roster;
    private static final DeviceRef A = new DeviceRef(0, 0);
    private static final DeviceRef B = new DeviceRef(0, 1);

    @BeforeAll
    static void keys() throws Exception {
        roster = Roster.generate(1, 2, "retirement.test.invalid", Crypto.standard());
    }

    private static List<Violation> told(Set<DeviceRef> mayRetire, Map<DeviceRef, String> toldRetired) {
        Map<DeviceRef, AccountState> running = Map.of(A, AccountState.EMPTY, B, AccountState.EMPTY);
        return RetirementCheck.check(roster, running, running, Set.of(), mayRetire, toldRetired, List.of());
    }

    @Test
    void aDeviceToldItWasRetired_whileNeitherRemovedNorSilent_isAViolationNamingIt() {
        List<Violation> v = told(Set.of(), Map.of(B, "this device left the account at 1970-01-01T00:00:00Z"));
        assertEquals(1, v.size(), v.toString());
        assertEquals(RetirementCheck.NAME, v.get(0).invariant());
        assertEquals(List.of(roster.device(B).deviceId()), v.get(0).devices());
        assertTrue(v.get(0).detail().contains("no sibling wrote that notice"), v.get(0).detail());
    }

    @Test
    void aDeviceToldItWasRetired_thatWasRemovedOrSilentLongEnough_isNoViolation() {
        assertEquals(List.of(), told(Set.of(B), Map.of(B, "this device was removed by device x")));
        assertEquals(List.of(), told(Set.of(), Map.of()));
    }
}
