package dev.kinbox.journal;

import java.util.ArrayList;
import java.util.List;

/**
 * A reader's guard against a server that shows a message only after one with a higher UID
 * (GreenMail assigns the UIDs of concurrent APPENDs to one folder before it adds the messages, in
 * either order; IMAP forbids it, a test server does it). A reader that moved its UID cursor past such
 * a message would never list it. So each listing's holes - UIDs from its first to its end (the
 * folder's UIDNEXT - 1, or its highest message if higher) that it did not show - are remembered, and a
 * hole not also seen in the previous listing is new: the cursor stays below it, so the next listing
 * looks at it again. A hole seen twice was expunged (a nudge taken, an entry compacted) and is passed
 * over - also at the end of the folder, so a reader whose folder's newest messages were expunged does
 * not list that folder again at every look. Holes are kept as ranges: a folder's UIDs run far ahead
 * of its messages. One per reader; not thread-safe.
 */
final class LateUids {
    /** Absent UID ranges {from, to} of the last listing, ascending. */
    private List<long[]> absent = List.of();

    /**
     * Takes a listing of {@code uids} (ascending) from UID {@code first} to {@code end}; returns the
     * lowest UID up to {@code end} absent from it that the previous listing did not also lack, or
     * Long.MAX_VALUE.
     */
    long lowestNewHole(long first, List<Long> uids, long end) {
        List<long[]> holes = new ArrayList<>();
        long next = first;
        for (long u : uids) {
            if (u > next) holes.add(new long[] {next, u - 1});
            next = Math.max(next, u + 1);
        }
        if (end >= next) holes.add(new long[] {next, end});
        long lowest = Long.MAX_VALUE;
        for (long[] h : holes) {
            long x = firstNotIn(h[0], h[1], absent);
            if (x < lowest) lowest = x;
        }
        absent = holes;
        return lowest;
    }

    /** Forgets every hole (a new UIDVALIDITY). */
    void reset() {
        absent = List.of();
    }

    /** The lowest UID of {@code from..to} not inside one of {@code ranges}, or Long.MAX_VALUE. */
    private static long firstNotIn(long from, long to, List<long[]> ranges) {
        long x = from;
        for (long[] r : ranges) {
            if (r[1] < x) continue;
            if (r[0] > x) break;
            x = r[1] + 1;
            if (x > to) return Long.MAX_VALUE;
        }
        return x <= to ? x : Long.MAX_VALUE;
    }
}
