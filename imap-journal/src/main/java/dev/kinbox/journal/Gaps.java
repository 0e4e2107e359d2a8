package dev.kinbox.journal;

import java.util.ArrayList;
import java.util.List;

/**
 * The ranges of an author's sequence a reader passed over as gaps and has not read since: withheld
 * or lost entries. A snapshot with {@code seq} at or past {@link #healUpTo} heals them all; an entry
 * that covers part of one and shows up later (its author uploaded it again after a restore of its
 * folder lost it) fills that part. At most {@value #MAX} ranges, ascending: past that the two
 * oldest become one (filling it may deliver events read already, which the reader's consumer skips
 * as seen dots). Immutable.
 */
final class Gaps {
    static final int MAX = 64;
    static final Gaps NONE = new Gaps(List.of());

    /** {from, to} pairs, ascending, disjoint. */
    private final List<long[]> ranges;

    private Gaps(List<long[]> ranges) {
        this.ranges = ranges;
    }

    /** These gaps and {@code from..to}, which lies past all of them (a reader finds gaps in sequence order). */
    Gaps add(long from, long to) {
        List<long[]> more = new ArrayList<>(ranges);
        more.add(new long[] {from, to});
        while (more.size() > MAX) more.set(0, new long[] {more.get(0)[0], more.remove(1)[1]});
        return new Gaps(List.copyOf(more));
    }

    /** Whether {@code from..to} overlaps a gap. */
    boolean overlaps(long from, long to) {
        for (long[] r : ranges) if (r[0] <= to && from <= r[1]) return true;
        return false;
    }

    /** These gaps without {@code from..to} (read, or covered by a snapshot). */
    Gaps without(long from, long to) {
        List<long[]> left = new ArrayList<>();
        for (long[] r : ranges) {
            if (r[1] < from || r[0] > to) {
                left.add(r);
                continue;
            }
            if (r[0] < from) left.add(new long[] {r[0], from - 1});
            if (r[1] > to) left.add(new long[] {to + 1, r[1]});
        }
        return left.size() == ranges.size() && left.equals(ranges) ? this : new Gaps(List.copyOf(left));
    }

    /** The end of the last gap: a snapshot at or past it heals every gap; 0 when there is none. */
    long healUpTo() {
        long max = 0;
        for (long[] r : ranges) max = Math.max(max, r[1]);
        return max;
    }

    /** The number of ranges. */
    int size() {
        return ranges.size();
    }
}
