package dev.kinbox.simulator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
