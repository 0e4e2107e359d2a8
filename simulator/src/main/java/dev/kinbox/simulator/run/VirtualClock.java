package dev.kinbox.simulator.run;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

/**
 * Simulated time: {@code origin} plus the real time elapsed since construction times {@code scale}
 * (3600 = one simulated hour per real second). Devices get it as their {@link Clock}, so their hybrid
 * logical clocks and timestamps run on simulated time.
 */
public final class VirtualClock extends Clock {
    private final Instant origin;
    private final double scale;
    private final LongSupplier nanoTime;
    private final long startNanos;
    /** Simulated milliseconds where time stopped ({@link #freeze}), or -1 while it runs. */
    private volatile long frozenAt = -1;

    /** {@code nanoTime} is the real monotonic time source ({@code System::nanoTime}). */
    public VirtualClock(Instant origin, double scale, LongSupplier nanoTime) {
        if (!(scale > 0 && scale <= 1e9)) throw new IllegalArgumentException("time scale must be in (0, 1e9]");
        this.origin = origin;
        this.scale = scale;
        this.nanoTime = nanoTime;
        this.startNanos = nanoTime.getAsLong();
    }

    /** Simulated milliseconds since the origin. */
    public long virtualMillis() {
        long f = frozenAt;
        return f >= 0 ? f : (long) ((nanoTime.getAsLong() - startNanos) / 1e6 * scale);
    }

    /**
     * Stops simulated time where it is now (for good): what a run does after its last step so that
     * periodic work due by simulated time (a device refreshing its activity every simulated day - at
     * 3600x and 1,000 devices about 40 events a real second) ends and the fleet can become quiescent.
     */
    public synchronized void freeze() {
        if (frozenAt < 0) frozenAt = virtualMillis();
    }

    public double scale() { return scale; }

    @Override public Instant instant() { return origin.plusMillis(virtualMillis()); }

    @Override public ZoneId getZone() { return ZoneOffset.UTC; }

    @Override public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("simulated time is UTC only");
    }
}
