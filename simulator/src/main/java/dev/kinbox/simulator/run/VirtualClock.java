package dev.kinbox.simulator.run;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

/**
 * Simulated time: {@code origin} plus the real time elapsed since it started times {@code scale}
 * (3600 = one simulated hour per real second). Devices get it as their {@link Clock}, so their hybrid
 * logical clocks and timestamps run on simulated time. It starts at construction, or - a
 * {@link #held} clock - stands at its origin until {@link #start}.
 */
public final class VirtualClock extends Clock {
    private static final long HELD = Long.MIN_VALUE;
    private final Instant origin;
    private final double scale;
    private final LongSupplier nanoTime;
    /** Real nanoseconds where simulated time began, or {@link #HELD} before {@link #start}. */
    private volatile long startNanos;
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

    /**
     * A clock that stands at {@code origin} until {@link #start}: a run's setup joins are all at
     * simulated time zero, however long they take in real time (a slow setup must not age the devices
     * that started first - each simulated day brings activity refreshes, and a long enough one expiry).
     */
    public static VirtualClock held(Instant origin, double scale, LongSupplier nanoTime) {
        VirtualClock c = new VirtualClock(origin, scale, nanoTime);
        c.startNanos = HELD;
        return c;
    }

    /** Whether it stands at its origin, {@link #held} and not yet started (nor frozen). */
    public boolean isHeld() { return startNanos == HELD && frozenAt < 0; }

    /** Lets a {@link #held} clock run from now on; nothing for a running or frozen one. */
    public synchronized void start() {
        if (startNanos == HELD && frozenAt < 0) startNanos = nanoTime.getAsLong();
    }

    /** Simulated milliseconds since the origin. */
    public long virtualMillis() {
        long f = frozenAt;
        if (f >= 0) return f;
        long s = startNanos;
        return s == HELD ? 0 : (long) ((nanoTime.getAsLong() - s) / 1e6 * scale);
    }

    /**
     * Stops simulated time where it is now (for good): what a run does after its last step so that
     * periodic work due by simulated time (a device refreshing its activity every simulated day - at
     * 3600x and 1,000 devices about 40 events a real second) ends and the fleet can become quiescent.
     */
    public synchronized void freeze() {
        if (frozenAt < 0) frozenAt = virtualMillis();
    }

    /**
     * Stops simulated time at {@code at} (for good), wherever it is now - ahead or behind by a few
     * milliseconds of latency times the scale: a cluster node freezes where the driver's clock froze,
     * so every node's devices see the same final instant. Nothing for a frozen clock; {@code at}
     * before the origin is refused.
     */
    public synchronized void freezeAt(Instant at) {
        long millis = at.toEpochMilli() - origin.toEpochMilli();
        if (millis < 0) throw new IllegalArgumentException("cannot freeze at " + at + ", before the origin " + origin);
        if (frozenAt < 0) frozenAt = millis;
    }

    public double scale() { return scale; }

    @Override public Instant instant() { return origin.plusMillis(virtualMillis()); }

    @Override public ZoneId getZone() { return ZoneOffset.UTC; }

    @Override public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("simulated time is UTC only");
    }
}
