package dev.kinbox.simulator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Simulated time runs at its scale from real time (from its start when held), and stops for good where it is frozen. */
class VirtualClockTest {
    private static final Instant ORIGIN = Instant.parse("2030-01-01T00:00:00Z");

    @Test void runsAtItsScale_thenStandsStillOnceFrozen() {
        AtomicLong nanos = new AtomicLong(5_000_000_000L);
        VirtualClock c = new VirtualClock(ORIGIN, 3600, nanos::get);
        nanos.addAndGet(2_000_000_000L);
        assertEquals(7_200_000L, c.virtualMillis(), "two real seconds are two simulated hours");
        c.freeze();
        nanos.addAndGet(10_000_000_000L);
        assertEquals(7_200_000L, c.virtualMillis());
        assertEquals(ORIGIN.plusSeconds(7200), c.instant());
        c.freeze(); // a second freeze keeps the first moment
        assertEquals(7_200_000L, c.virtualMillis());
    }

    @Test void heldClock_standsAtItsOriginUntilStarted_thenRunsFromThere() {
        AtomicLong nanos = new AtomicLong(5_000_000_000L);
        VirtualClock c = VirtualClock.held(ORIGIN, 3600, nanos::get);
        nanos.addAndGet(300_000_000_000L); // a five-minute setup
        assertEquals(0, c.virtualMillis(), "held: the setup does not age the devices");
        assertEquals(ORIGIN, c.instant());
        c.start();
        nanos.addAndGet(1_000_000_000L);
        assertEquals(3_600_000L, c.virtualMillis(), "one real second after the start is one simulated hour");
        c.start(); // a second start changes nothing
        assertEquals(3_600_000L, c.virtualMillis());
        c.freeze();
        nanos.addAndGet(1_000_000_000L);
        assertEquals(3_600_000L, c.virtualMillis());
    }

    @Test void startingARunningClock_changesNothing() {
        AtomicLong nanos = new AtomicLong(0);
        VirtualClock c = new VirtualClock(ORIGIN, 60, nanos::get);
        nanos.addAndGet(1_000_000_000L);
        c.start();
        assertEquals(60_000L, c.virtualMillis());
    }

    @Test void heldClock_isHeldUntilStartedOrFrozen() {
        AtomicLong nanos = new AtomicLong(0);
        VirtualClock c = VirtualClock.held(ORIGIN, 3600, nanos::get);
        assertTrue(c.isHeld());
        c.start();
        assertFalse(c.isHeld());
        assertFalse(new VirtualClock(ORIGIN, 3600, nanos::get).isHeld(), "a running clock");
        VirtualClock frozen = VirtualClock.held(ORIGIN, 3600, nanos::get);
        frozen.freeze();
        assertFalse(frozen.isHeld(), "frozen at its origin: it never starts again");
    }

    @Test void freezeAt_stopsAtTheGivenInstant_aheadOrBehindItsOwnTime_andKeepsTheFirst() {
        AtomicLong nanos = new AtomicLong(0);
        VirtualClock behind = new VirtualClock(ORIGIN, 3600, nanos::get);
        VirtualClock ahead = new VirtualClock(ORIGIN, 3600, nanos::get);
        nanos.addAndGet(1_000_000_000L); // both at one simulated hour
        behind.freezeAt(ORIGIN.plusSeconds(3603)); // the driver froze 3 simulated seconds later (its message's latency)
        ahead.freezeAt(ORIGIN.plusSeconds(3597));
        nanos.addAndGet(5_000_000_000L);
        assertEquals(ORIGIN.plusSeconds(3603), behind.instant());
        assertEquals(ORIGIN.plusSeconds(3597), ahead.instant());
        behind.freezeAt(ORIGIN.plusSeconds(9000));
        behind.freeze();
        assertEquals(3_603_000L, behind.virtualMillis(), "frozen for good at the first moment");
    }

    @Test void freezeAt_ofAHeldClock_stopsThere_andRefusesAnInstantBeforeTheOrigin() {
        AtomicLong nanos = new AtomicLong(0);
        VirtualClock c = VirtualClock.held(ORIGIN.plusNanos(123_456), 3600, nanos::get);
        assertThrows(IllegalArgumentException.class, () -> c.freezeAt(ORIGIN.minusMillis(1)));
        c.freezeAt(ORIGIN.plusMillis(5_000));
        c.start();
        nanos.addAndGet(1_000_000_000L);
        assertEquals(5_000L, c.virtualMillis(), "an origin's fraction of a millisecond does not shift the frozen moment");
    }

    @Test void pace_slowsTimeFromWhereItIs_andFullPaceRunsOnFromThere_neverBackwards() {
        AtomicLong nanos = new AtomicLong(0);
        VirtualClock c = new VirtualClock(ORIGIN, 3600, nanos::get);
        nanos.addAndGet(1_000_000_000L);
        c.pace(1.0 / 16);
        assertEquals(3_600_000L, c.virtualMillis(), "a change of pace does not move the clock");
        nanos.addAndGet(16_000_000_000L);
        assertEquals(7_200_000L, c.virtualMillis(), "sixteen real seconds at 1/16 are one simulated hour");
        assertEquals(1.0 / 16, c.pace());
        c.pace(1);
        nanos.addAndGet(1_000_000_000L);
        assertEquals(10_800_000L, c.virtualMillis());
        assertThrows(IllegalArgumentException.class, () -> c.pace(0), "a stopped clock is freeze's work");
        assertThrows(IllegalArgumentException.class, () -> c.pace(2), "never faster than its scale");
        c.freeze();
        c.pace(0.5);
        nanos.addAndGet(1_000_000_000L);
        assertEquals(10_800_000L, c.virtualMillis(), "frozen for good, whatever the pace");
    }

    @Test void heldClock_pacedBeforeItsStart_startsAtThatPace() {
        AtomicLong nanos = new AtomicLong(0);
        VirtualClock c = VirtualClock.held(ORIGIN, 3600, nanos::get);
        c.pace(0.5);
        nanos.addAndGet(5_000_000_000L);
        assertEquals(0, c.virtualMillis(), "still held");
        c.start();
        nanos.addAndGet(2_000_000_000L);
        assertEquals(3_600_000L, c.virtualMillis());
    }

    @Test void paceFrom_goesOnFromTheDriversInstant_orFromItsOwnWhenThatIsLater() {
        AtomicLong nanos = new AtomicLong(0);
        VirtualClock behind = new VirtualClock(ORIGIN, 3600, nanos::get);
        VirtualClock ahead = new VirtualClock(ORIGIN, 3600, nanos::get);
        nanos.addAndGet(1_000_000_000L); // both at one simulated hour
        behind.paceFrom(ORIGIN.plusSeconds(3603), 0.25); // the driver slowed 3 simulated seconds later
        ahead.paceFrom(ORIGIN.plusSeconds(3597), 0.25);
        assertEquals(3_603_000L, behind.virtualMillis(), "catches up with the driver");
        assertEquals(3_600_000L, ahead.virtualMillis(), "never runs backwards");
        nanos.addAndGet(4_000_000_000L);
        assertEquals(7_203_000L, behind.virtualMillis());
        assertEquals(0.25, ahead.pace());
        assertThrows(IllegalArgumentException.class, () -> ahead.paceFrom(ORIGIN.minusSeconds(1), 1));
    }
}
