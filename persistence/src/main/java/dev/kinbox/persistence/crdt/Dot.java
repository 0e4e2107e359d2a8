package dev.kinbox.persistence.crdt;

import java.util.Comparator;

/**
 * The unique name of one event: the device that made it and that device's sequence number
 * (1, 2, 3, ... without gaps). Dots are what OR-sets remember and what a {@link CausalContext}
 * summarises.
 *
 * @param deviceId 16 lowercase hex digits
 * @param seq      the device's event counter, at least 1
 */
public record Dot(String deviceId, long seq) implements Comparable<Dot> {
    private static final Comparator<Dot> ORDER =
            Comparator.comparing(Dot::deviceId).thenComparingLong(Dot::seq);

    public Dot {
        Ids.requireDeviceId(deviceId);
        if (seq < 1) throw new IllegalArgumentException("dot sequence number must be >= 1, got " + seq);
    }

    @Override
    public int compareTo(Dot o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return deviceId + ":" + seq;
    }
}
