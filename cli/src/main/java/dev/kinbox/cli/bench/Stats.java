package dev.kinbox.cli.bench;

import java.util.Arrays;

/** Small statistics helpers for benchmark figures: medians of runs and rounding for display. */
public final class Stats {
    private Stats() {}

    /** The median of the given values (mean of the middle two for an even count). */
    public static double median(double... values) {
        if (values.length == 0) throw new IllegalArgumentException("no values");
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
    }

    /** The value below which {@code q} (0..1) of the samples fall, by nearest rank. */
    public static double percentile(double[] samples, double q) {
        if (samples.length == 0) throw new IllegalArgumentException("no samples");
        if (q < 0 || q > 1) throw new IllegalArgumentException("q must be in 0..1");
        double[] v = samples.clone();
        Arrays.sort(v);
        int rank = (int) Math.ceil(q * v.length);
        return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
    }

    /** Operations per second for {@code ops} done in {@code nanos}. */
    public static double perSecond(long ops, long nanos) {
        if (nanos <= 0) throw new IllegalArgumentException("elapsed time must be positive");
        return ops * 1e9 / nanos;
    }

    /** Rounds to three significant decimals for JSON and tables. */
    public static double round(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return v;
        double scale = Math.abs(v) >= 100 ? 1 : Math.abs(v) >= 1 ? 100 : 1000;
        return Math.round(v * scale) / scale;
    }
}
