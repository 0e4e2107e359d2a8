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
 * looks at it again. A hole absent from listings at least {@link #SETTLED} apart was expunged (a
 * nudge taken, an entry compacted) and is passed over - also at the end of the folder, so a reader
 * whose folder's newest messages were expunged does not list that folder again at every look. (Two
 * listings a few milliseconds apart - a step right after a step - could both fall between GreenMail
 * giving a message its UID and showing it.) Holes are kept as ranges: a folder's UIDs run far ahead
 * of its messages. One per reader; not thread-safe.
 */
final class LateUids {
    /** How long a hole must have been absent from the listings before it counts as expunged. */
    static final java.time.Duration SETTLED = java.time.Duration.ofSeconds(1);
    /** Absent UID ranges {from, to, first seen absent (nanos)} of the last listing, ascending. */
    private List<long[]> absent = List.of();
    private final java.util.function.LongSupplier nanos;

    LateUids() {
        this(System::nanoTime);
    }

    /** {@code nanos}: the monotonic time source ({@link System#nanoTime} outside tests). */
    LateUids(java.util.function.LongSupplier nanos) {
        this.nanos = nanos;
    }

    /**
     * Takes a listing of {@code uids} (ascending) from UID {@code first} to {@code end}; returns the
     * lowest UID up to {@code end} absent from it that has not been absent from the listings for at
     * least {@link #SETTLED}, or Long.MAX_VALUE.
     */
    long lowestNewHole(long first, List<Long> uids, long end) {
        List<long[]> holes = new ArrayList<>();
        long next = first;
        for (long u : uids) {
            if (u > next) holes.add(new long[] {next, u - 1});
            next = Math.max(next, u + 1);
        }
        if (end >= next) holes.add(new long[] {next, end});
        long now = nanos.getAsLong();
        List<long[]> settled = absent.stream().filter(r -> now - r[2] >= SETTLED.toNanos()).toList();
        long lowest = Long.MAX_VALUE;
        List<long[]> seen = new ArrayList<>();
        for (long[] h : holes) {
            long x = firstNotIn(h[0], h[1], settled);
            if (x < lowest) lowest = x;
            seen.add(new long[] {h[0], h[1], absentSince(h[0], h[1], now)});
        }
        absent = seen;
        return lowest;
    }

    /** Forgets every hole (a new UIDVALIDITY). */
    void reset() {
        absent = List.of();
    }

    /**
     * Since when {@code from..to} has been absent: the latest first sighting of the previous ranges
     * that cover it whole, else (part of it is new) {@code now}.
     */
    private long absentSince(long from, long to, long now) {
        if (firstNotIn(from, to, absent) != Long.MAX_VALUE) return now;
        long since = Long.MIN_VALUE;
        for (long[] r : absent) if (r[1] >= from && r[0] <= to) since = Math.max(since, r[2]);
        return since;
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
