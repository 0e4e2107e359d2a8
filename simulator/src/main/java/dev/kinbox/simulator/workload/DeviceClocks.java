package dev.kinbox.simulator.workload;

import java.util.SplittableRandom;

/**
 * How far a device's clock is off at a given time, a pure function of the seed, the device and the
 * faults. With {@link WorkloadOptions.Faults#clockResetsPerDay} 0 the offset is fixed
 * ({@link Workload#clockSkew}). Otherwise the clock drifts at a rate of its own (up to
 * {@value #MAX_DRIFT_PPM} ppm either way, a poor quartz) and is reset every {@code 1 / resetsPerDay}
 * days, at a phase of its own, to a new offset (NTP stepping it, a user setting it): each reset may
 * move it forward or back. The offset never leaves {@code [-maxSkewMillis, maxSkewMillis]}, so every
 * bound that allows for the skew still holds.
 */
public final class DeviceClocks {
    /** The fastest drift, parts per million either way (86 s a day). */
    public static final int MAX_DRIFT_PPM = 1000;
    private static final long DAY_MILLIS = 86_400_000L;

    private DeviceClocks() {}

    /** {@code d}'s clock plan in a run of {@code seed} with {@code faults}. */
    public static Plan plan(long seed, DeviceRef d, WorkloadOptions.Faults faults) {
        long max = faults.maxSkewMillis();
        if (max <= 0 || faults.clockResetsPerDay() <= 0) return new Plan(Workload.clockSkew(seed, d, max), 0, 0, 0, 0, 0);
        long mix = seed ^ (0xD1B54A32D192ED03L * (d.account() * 131L + d.slot() + 1));
        SplittableRandom r = new SplittableRandom(mix);
        long period = Math.max(1, Math.round(DAY_MILLIS / faults.clockResetsPerDay()));
        return new Plan(0, max, period, r.nextLong(period), r.nextDouble(-MAX_DRIFT_PPM, MAX_DRIFT_PPM), mix);
    }

    /**
     * One device's clock: {@code fixed} when it is never reset ({@code period} 0); otherwise reset every
     * {@code period} ms (shifted by {@code phase}) to an offset drawn from {@code mix} and the reset's
     * number, drifting at {@code ppm} from there, within {@code ±maxSkew}.
     */
    public record Plan(long fixed, long maxSkew, long period, long phase, double ppm, long mix) {
        /** The offset, in milliseconds, of the clock when the true (simulated) time is {@code atMillis}. */
        public long offsetAt(long atMillis) {
            if (period == 0) return fixed;
            long shifted = atMillis + phase;
            long n = Math.floorDiv(shifted, period);
            long since = shifted - n * period;
            long start = new SplittableRandom(mix ^ (n * 0xBF58476D1CE4E5B9L)).nextLong(-maxSkew, maxSkew + 1);
            long off = start + Math.round(ppm * 1e-6 * since);
            return Math.max(-maxSkew, Math.min(maxSkew, off));
        }

        /** Whether the offset changes during a run. */
        public boolean moves() { return period != 0; }
    }
}
