package dev.kinbox.simulator.run;

/**
 * Keeps the devices' simulated time from running far ahead of the steps: when the oldest step not yet
 * done was due more than {@code boundMillis} (simulated) ago, the clock slows to {@link #SLOW} of its pace,
 * and it runs at full pace again once that lag is below half the bound.
 *
 * <p>Why: on a loaded machine the accounts' lanes fall behind (a pairing that waits, a leave that catches
 * up, a CPU shared by a thousand devices), while the devices' clock runs on. A return the schedule
 * meant to come within half the expiry then came after its siblings had retired the device, and an
 * offline spell outlasted the expiry: the run tested something else than its schedule, and its
 * invariants failed for it (a 200-account memory run, seed 18: returns meant early came late). The
 * bound is an eighth of the expiry - the schedule keeps every offline spell a quarter of the expiry
 * short of it - so slowing costs nothing where runs keep pace (a 30-day expiry: 3.75 simulated days).
 *
 * <p>Slowed, not stopped: nothing a step waits for runs on simulated time (pairings, catch-ups and uploads
 * run on real-time timers), but a step that waits out a timeout would hold up every account; at
 * {@link #SLOW} a 30-second wait costs 1.9 simulated hours at 3600x. Pure: the caller looks every few
 * milliseconds and carries out the pace it returns.
 */
final class Pacer {
    /** The pace while behind. */
    static final double SLOW = 1.0 / 16;

    private final long boundMillis;
    private boolean slowed;
    private long slowedSince;
    private long slowedNanos;
    private int slowdowns;
    private long maxLagMillis;

    /** {@code boundMillis}: the largest lag (simulated milliseconds) at full pace; positive. */
    Pacer(long boundMillis) {
        if (boundMillis <= 0) throw new IllegalArgumentException("the lag bound must be positive: " + boundMillis);
        this.boundMillis = boundMillis;
    }

    /** The lag bound for devices that expire after {@code expireAfterMillis} (simulated): an eighth of it. */
    static long boundFor(long expireAfterMillis) {
        return Math.max(1, expireAfterMillis / 8);
    }

    /**
     * One look at simulated time {@code simNow}, real time {@code realNanos}: {@code oldestDue} is when the
     * oldest step not yet done was due (simulated), or -1 when every due step is done. Returns the pace
     * to run at: 1, or {@link #SLOW}.
     */
    synchronized double look(long simNow, long oldestDue, long realNanos) {
        long lag = oldestDue < 0 ? 0 : Math.max(0, simNow - oldestDue);
        maxLagMillis = Math.max(maxLagMillis, lag);
        if (!slowed && lag > boundMillis) {
            slowed = true;
            slowedSince = realNanos;
            slowdowns++;
        } else if (slowed && lag < boundMillis / 2) {
            slowed = false;
            slowedNanos += realNanos - slowedSince;
        }
        return slowed ? SLOW : 1;
    }

    /** What pacing did up to real time {@code realNanos} (a slowdown still on counts up to then). */
    synchronized Pacing result(long realNanos) {
        return new Pacing(boundMillis, maxLagMillis, slowdowns, (slowedNanos + (slowed ? realNanos - slowedSince : 0)) / 1e9);
    }
}
