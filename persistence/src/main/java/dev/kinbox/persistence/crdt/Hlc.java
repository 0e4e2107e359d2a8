package dev.kinbox.persistence.crdt;

import java.util.Comparator;

/**
 * A hybrid-logical-clock timestamp: wall-clock milliseconds, a logical counter for events within
 * the same millisecond (or while the wall clock lags), and the device that issued it. The order is
 * total: (wall, logical, node), so two devices never produce equal timestamps and every
 * last-writer-wins tie is broken the same way everywhere.
 *
 * @param wallMillis milliseconds since the epoch, as far as the issuing device could tell
 * @param logical    counter, {@code >= 0}
 * @param node       issuing device id
 */
public record Hlc(long wallMillis, int logical, String node) implements Comparable<Hlc> {
    private static final Comparator<Hlc> ORDER = Comparator.comparingLong(Hlc::wallMillis)
            .thenComparingInt(Hlc::logical).thenComparing(Hlc::node);

    public Hlc {
        if (logical < 0) throw new IllegalArgumentException("logical counter must be >= 0, got " + logical);
        Ids.requireDeviceId(node);
    }

    @Override
    public int compareTo(Hlc o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return wallMillis + "." + logical + "@" + node;
    }
}
