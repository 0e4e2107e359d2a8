package dev.kinbox.simulator.run;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

/**
 * Simulated time: {@code origin} plus the real time elapsed since it started times {@code scale}
 * (3600 = one simulated hour per real second) times its pace, 1 unless {@link #pace slowed}. Devices
 * get it as their {@link Clock}, so their hybrid logical clocks and timestamps run on simulated time.
 * It starts at construction, or - a {@link #held} clock - stands at its origin until {@link #start}.
 * A change of pace never moves it backwards ({@link #freezeAt} may, by a message's latency).
 */
public final class VirtualClock extends Clock {
    private static final long HELD = Long.MIN_VALUE;
    private final Instant origin;
    private final double scale;
    private final LongSupplier nanoTime;
    /** Where the current pace began, or {@link #HELD} before {@link #start} (one field: read together). */
    private volatile Segment segment;
    /** Simulated milliseconds where time stopped ({@link #freeze}), or -1 while it runs. */
    private volatile long frozenAt = -1;

    /** {@code nanoTime} is the real monotonic time source ({@code System::nanoTime}). */
    public VirtualClock(Instant origin, double scale, LongSupplier nanoTime) {
        if (!(scale > 0 && scale <= 1e9)) throw new IllegalArgumentException("time scale must be in (0, 1e9]");
        this.origin = origin;
        this.scale = scale;
        this.nanoTime = nanoTime;
        this.segment = new Segment(nanoTime.getAsLong(), 0, 1);
    }

    /**
     * Simulated time since {@code startNanos} (real) runs at {@code pace} times the scale from {@code baseMillis}
     * (simulated, since the origin); {@code startNanos} is {@link #HELD} while the clock stands at its origin.
     */
    private record Segment(long startNanos, double baseMillis, double pace) {}

    /**
     * A clock that stands at {@code origin} until {@link #start}: a run's setup joins are all at
     * simulated time zero, however long they take in real time (a slow setup must not age the devices
     * that started first - each simulated day brings activity refreshes, and a long enough one expiry).
     */
    public static VirtualClock held(Instant origin, double scale, LongSupplier nanoTime) {
        VirtualClock c = new VirtualClock(origin, scale, nanoTime);
        c.segment = new Segment(HELD, 0, 1);
        return c;
    }

    /** Whether it stands at its origin, {@link #held} and not yet started (nor frozen). */
    public boolean isHeld() { return segment.startNanos() == HELD && frozenAt < 0; }

    /** Lets a {@link #held} clock run from now on (at the pace set meanwhile, 1 unless set); nothing for a running or frozen one. */
    public synchronized void start() {
        Segment s = segment;
        if (s.startNanos() == HELD && frozenAt < 0) segment = new Segment(nanoTime.getAsLong(), 0, s.pace());
    }

    /** Simulated milliseconds since the origin. */
    public long virtualMillis() {
        long f = frozenAt;
        return f >= 0 ? f : (long) exactMillis(segment);
    }

    private double exactMillis(Segment s) {
        return s.startNanos() == HELD ? 0 : s.baseMillis() + (nanoTime.getAsLong() - s.startNanos()) / 1e6 * scale * s.pace();
    }

    /**
     * From now on simulated time runs at {@code pace} (in (0, 1]) times the scale, on from where it is: a run whose
     * steps fall behind slows its devices' time until they catch up ({@code Pacer}), so what the schedule meant - a
     * device back within its expiry, an offline spell shorter than it - is what the devices live. A held clock
     * starts at that pace; nothing for a frozen one.
     */
    public synchronized void pace(double pace) {
        checkPace(pace);
        Segment s = segment;
        segment = s.startNanos() == HELD ? new Segment(HELD, 0, pace) : new Segment(nanoTime.getAsLong(), exactMillis(s), pace);
    }

    /**
     * As {@link #pace(double)} from {@code at} (simulated): a cluster node follows the driver's clock, which took
     * that pace at {@code at}. The clock goes on from {@code at}, or from where it is when that is later (the
     * message's latency times the scale: it never runs backwards). A held clock starts there at that pace;
     * a frozen one stays where it froze.
     */
    public synchronized void paceFrom(Instant at, double pace) {
        checkPace(pace);
        long millis = at.toEpochMilli() - origin.toEpochMilli();
        if (millis < 0) throw new IllegalArgumentException("cannot pace from " + at + ", before the origin " + origin);
        segment = new Segment(nanoTime.getAsLong(), Math.max(millis, exactMillis(segment)), pace);
    }

    /** The current pace: 1 unless {@link #pace slowed}. */
    public double pace() { return segment.pace(); }

    private static void checkPace(double pace) {
        if (!(pace > 0 && pace <= 1)) throw new IllegalArgumentException("pace must be in (0, 1]: " + pace);
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
