package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Which UID a reader must look at again: a hole not yet absent from its listings for a second. */
class LateUidsTest {
    private static final long NONE = Long.MAX_VALUE;
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final LateUids late = new LateUids(nanos::get);

    /** Time passes past {@link LateUids#SETTLED} before the next listing. */
    private void later() {
        nanos.addAndGet(LateUids.SETTLED.toNanos());
    }

    @Test void aHoleSeenOnce_isNew_andSeenAgainASecondLater_isPassedOver() {
        assertEquals(NONE, late.lowestNewHole(1, List.of(1L, 2L, 3L), 3), "no hole");
        assertEquals(5, late.lowestNewHole(4, List.of(4L, 6L, 7L), 7), "5 is missing below 7: maybe shown late");
        later();
        assertEquals(NONE, late.lowestNewHole(5, List.of(6L, 7L, 8L), 8), "5 missing for a second: expunged");
    }

    @Test void aHoleSeenAgainAtOnce_isStillNew_forBothListingsMayFallBeforeTheServerShowsTheMessage() {
        assertEquals(5, late.lowestNewHole(4, List.of(4L, 6L), 6));
        nanos.addAndGet(LateUids.SETTLED.toNanos() / 2);
        assertEquals(5, late.lowestNewHole(4, List.of(4L, 6L), 6), "half a second: maybe still to be shown");
        nanos.addAndGet(LateUids.SETTLED.toNanos() / 2);
        assertEquals(NONE, late.lowestNewHole(4, List.of(4L, 6L), 6), "a second since it was first missed");
    }

    @Test void aHoleThatFillsIn_isNoLongerAHole_andALaterNewHoleIsReported() {
        assertEquals(10, late.lowestNewHole(10, List.of(11L), 11));
        later();
        assertEquals(NONE, late.lowestNewHole(10, List.of(10L, 11L), 11), "shown now");
        assertEquals(13, late.lowestNewHole(10, List.of(10L, 11L, 12L, 14L), 14));
    }

    @Test void holesAreRanges_soAFolderFarAheadInUidsCostsNothing_andOnlyTheNewPartOfAWiderHoleIsNew() {
        assertEquals(1, late.lowestNewHole(1, List.of(1_000_000L), 1_000_000), "the first listing: every hole is new");
        later();
        assertEquals(NONE, late.lowestNewHole(1, List.of(1_000_000L), 1_000_000));
        later();
        assertEquals(1_000_000, late.lowestNewHole(1, List.of(1_000_002L), 1_000_002), "the message at 1,000,000 went: a new hole, looked at once more");
        late.reset();
        assertEquals(1, late.lowestNewHole(1, List.of(3L), 3), "after a reset every hole is new again");
        assertEquals(NONE, late.lowestNewHole(1, List.of(), 0), "an empty listing has no hole");
    }

    @Test void uidsGivenOutPastTheLastMessageShown_areAHoleToo_passedOverOnceSettled() {
        assertEquals(4, late.lowestNewHole(1, List.of(1L, 2L, 3L), 6), "UIDNEXT 7, 4..6 not shown: maybe late");
        later();
        assertEquals(NONE, late.lowestNewHole(4, List.of(), 6), "still not shown a second later: expunged (nudges taken), passed over");
        assertEquals(NONE, late.lowestNewHole(7, List.of(), 6), "nothing past the end: no hole");
    }
}
