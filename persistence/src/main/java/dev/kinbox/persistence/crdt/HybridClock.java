package dev.kinbox.persistence.crdt;

import java.time.Clock;

/**
 * The hybrid logical clock of one device (Kulkarni et al.): timestamps follow the injected wall
 * {@link Clock} when it moves forward, never go backwards when it does not, and move past every
 * timestamp the device has {@link #observe observed}. Thread-safe; the only mutable class of the
 * CRDT package.
 */
public final class HybridClock {
    private final Clock clock;
    private final String node;
    private long wall;
    private int logical;

    /** A clock for device {@code node} reading wall time from {@code clock}. */
    public HybridClock(Clock clock, String node) {
        this.clock = java.util.Objects.requireNonNull(clock, "clock");
        this.node = Ids.requireDeviceId(node);
        this.wall = Long.MIN_VALUE;
    }

    /** A fresh timestamp for a local event, strictly greater than every one issued or observed. */
    public synchronized Hlc now() {
        long pt = clock.millis();
        if (pt > wall) {
            wall = pt;
            logical = 0;
        } else {
            tick();
        }
        return new Hlc(wall, logical, node);
    }

    /**
     * Merges a timestamp received from another device and returns a fresh one greater than both it
     * and everything issued before.
     */
    public synchronized Hlc observe(Hlc remote) {
        long pt = clock.millis();
        long w = Math.max(Math.max(wall, remote.wallMillis()), pt);
        if (w == wall && w == remote.wallMillis()) {
            logical = Math.max(logical, remote.logical());
            tick();
        } else if (w == wall) {
            tick();
        } else if (w == remote.wallMillis()) {
            wall = w;
            logical = remote.logical();
            tick();
        } else {
            wall = w;
            logical = 0;
        }
        return new Hlc(wall, logical, node);
    }

    // Counter overflow borrows a millisecond instead of wrapping.
    private void tick() {
        if (logical == Integer.MAX_VALUE) {
            wall++;
            logical = 0;
        } else {
            logical++;
        }
    }
}
