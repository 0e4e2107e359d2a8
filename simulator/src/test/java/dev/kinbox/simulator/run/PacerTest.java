package dev.kinbox.simulator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The clock slows while the oldest step not yet done is overdue by more than the bound, and runs at full pace below half of it. */
class PacerTest {
    private static final long HOUR = 3_600_000L;
    private static final long SECOND_NANOS = 1_000_000_000L;

    @Test void stepsWithinTheBound_leaveTheClockAtFullPace() {
        Pacer p = new Pacer(Pacer.boundFor(14 * HOUR));
        assertEquals(1.0, p.look(10 * HOUR, -1, 0), "nothing overdue");
        assertEquals(1.0, p.look(10 * HOUR, 10 * HOUR - HOUR, SECOND_NANOS), "an hour behind: within 1.75 h");
        assertEquals(1.0, p.look(10 * HOUR, 11 * HOUR, 2 * SECOND_NANOS), "a step not yet due counts as no lag");
        Pacing r = p.result(3 * SECOND_NANOS);
        assertEquals(new Pacing(14 * HOUR / 8, HOUR, 0, 0), r);
    }

    @Test void stepsBehindByMoreThanTheBound_slowTheClock_untilTheyAreWithinHalfOfIt() {
        Pacer p = new Pacer(2 * HOUR);
        assertEquals(Pacer.SLOW, p.look(10 * HOUR, 7 * HOUR, 0), "three hours behind");
        assertEquals(Pacer.SLOW, p.look(10 * HOUR, 8 * HOUR + HOUR / 2, SECOND_NANOS), "1.5 h: within the bound, not yet within half");
        assertEquals(1.0, p.look(10 * HOUR, 9 * HOUR + HOUR / 2, 4 * SECOND_NANOS), "half an hour: caught up");
        assertEquals(Pacer.SLOW, p.look(20 * HOUR, 17 * HOUR, 10 * SECOND_NANOS), "behind again");
        assertEquals(new Pacing(2 * HOUR, 3 * HOUR, 2, 4 + 2.5), p.result(12_500_000_000L), "a slowdown still on counts up to the result");
    }

    @Test void theBound_isAnEighthOfTheExpiry_andPositive() {
        assertEquals(90 * HOUR, Pacer.boundFor(30 * 24 * HOUR), "3.75 days for the default 30");
        assertEquals(1, Pacer.boundFor(3));
        assertThrows(IllegalArgumentException.class, () -> new Pacer(0));
    }
}
