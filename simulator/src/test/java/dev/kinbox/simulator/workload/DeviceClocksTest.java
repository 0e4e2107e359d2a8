package dev.kinbox.simulator.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** A device's clock offset: fixed without resets; with them, drifting, stepped forward and back, never past the skew. */
class DeviceClocksTest {
    private static final long HOUR = 3_600_000L, DAY = 24 * HOUR;
    private static final long ORIGIN = 1_900_000_000_000L;

    @Test
    void withoutResets_theOffsetIsTheFixedSkewAtEveryTime() {
        WorkloadOptions.Faults f = new WorkloadOptions.Faults(0, 0, 0, 0, HOUR, 0);
        DeviceRef d = new DeviceRef(3, 1);
        DeviceClocks.Plan p = DeviceClocks.plan(7, d, f);
        assertFalse(p.moves());
        for (long t = 0; t < 3 * DAY; t += HOUR) assertEquals(Workload.clockSkew(7, d, HOUR), p.offsetAt(ORIGIN + t));
    }

    @Test
    void withResets_theClockIsSteppedBothWaysAndDriftsInBetween() {
        DeviceClocks.Plan p = DeviceClocks.plan(7, new DeviceRef(0, 0), new WorkloadOptions.Faults(0, 0, 0, 0, HOUR, 0, 4));
        assertTrue(p.moves());
        int back = 0, forward = 0, drifting = 0;
        long prev = p.offsetAt(ORIGIN);
        for (long t = 60_000; t < 30 * DAY; t += 60_000) {
            long now = p.offsetAt(ORIGIN + t);
            long step = now - prev;
            if (step < -1_000) back++;
            else if (step > 1_000) forward++;
            else if (step != 0) drifting++;
            prev = now;
        }
        // 4 resets a day over 30 days: about 120 steps, either way; drift moves the offset by at most 60 ms a minute
        assertTrue(back > 30 && forward > 30 && back + forward <= 121, back + " back, " + forward + " forward");
        assertTrue(drifting > 1_000, drifting + " minutes with drift");
    }

    @Property(tries = 200)
    void theOffsetStaysWithinTheSkewAndIsAPureFunction(@ForAll long seed, @ForAll @IntRange(max = 50) int account,
                                                       @ForAll @IntRange(max = 5) int slot, @ForAll @LongRange(min = 1, max = 48 * HOUR) long maxSkew,
                                                       @ForAll @IntRange(min = 1, max = 1000) int resetsPerDay,
                                                       @ForAll @LongRange(min = 0, max = 400 * DAY) long at) {
        WorkloadOptions.Faults f = new WorkloadOptions.Faults(0, 0, 0, 0, maxSkew, 0, resetsPerDay);
        DeviceRef d = new DeviceRef(account, slot);
        long o = DeviceClocks.plan(seed, d, f).offsetAt(ORIGIN + at);
        assertTrue(Math.abs(o) <= maxSkew, o + " past " + maxSkew);
        assertEquals(o, DeviceClocks.plan(seed, d, f).offsetAt(ORIGIN + at));
    }
}
