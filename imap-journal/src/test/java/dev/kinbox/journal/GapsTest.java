package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The gap ranges a reader keeps: adding, overlap, filling part of one, healing by a snapshot, the bound. */
class GapsTest {
    @Test void noGaps_overlapNothing_andHealNothing() {
        assertFalse(Gaps.NONE.overlaps(1, Long.MAX_VALUE));
        assertEquals(0, Gaps.NONE.healUpTo());
    }

    @Test void anEntryFillingTheMiddleOfAGap_leavesBothEnds() {
        Gaps g = Gaps.NONE.add(4, 9);
        assertTrue(g.overlaps(9, 12) && g.overlaps(1, 4) && !g.overlaps(10, 20) && !g.overlaps(1, 3));
        Gaps left = g.without(6, 7);
        assertEquals(2, left.size());
        assertTrue(left.overlaps(4, 5) && left.overlaps(8, 9) && !left.overlaps(6, 7));
        assertEquals(9, left.healUpTo());
        assertEquals(0, left.without(1, 20).healUpTo(), "an entry or snapshot covering everything leaves nothing to heal");
    }

    @Test void aSnapshotBelowTheLastGap_healsOnlyWhatItCovers() {
        Gaps g = Gaps.NONE.add(4, 5).add(10, 12);
        Gaps after = g.without(1, 8);
        assertEquals(1, after.size());
        assertEquals(12, after.healUpTo());
        assertFalse(after.overlaps(4, 5));
    }

    @Test void coveringNothing_changesNothing() {
        Gaps g = Gaps.NONE.add(4, 5);
        assertSame(g, g.without(6, 9));
    }

    @Test void pastTheBound_theOldestMerge_soNoGapIsForgotten() {
        Gaps g = Gaps.NONE;
        for (int i = 0; i < Gaps.MAX + 3; i++) g = g.add(10L * i + 1, 10L * i + 2);
        assertEquals(Gaps.MAX, g.size());
        assertTrue(g.overlaps(1, 1) && g.overlaps(21, 21) && g.overlaps(31, 31), "the oldest ranges are kept, merged");
        assertEquals(10L * (Gaps.MAX + 2) + 2, g.healUpTo());
    }
}
