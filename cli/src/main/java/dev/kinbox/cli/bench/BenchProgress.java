package dev.kinbox.cli.bench;

import dev.kinbox.simulator.run.Progress;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A simulator run's progress for a benchmark: one plain line per phase and at most one every
 * {@code everyMillis} within it, and where the run got to ({@link #where}) for a run cut off by its time limit.
 */
final class BenchProgress implements Progress {
    private final PrintStream out;
    private final long everyNanos;
    private final long t0 = System.nanoTime();
    private String phase = "keys";
    private long total;
    private long done;
    private String counters = "";
    private long lastLine;

    BenchProgress(PrintStream out, long everyMillis) {
        this.out = out;
        this.everyNanos = everyMillis * 1_000_000L;
    }

    @Override public synchronized void phase(String name, long total) {
        this.phase = name;
        this.total = total;
        this.done = 0;
        lastLine = System.nanoTime();
        out.printf("simulate: %.0f s: %s (%d)%n", (lastLine - t0) / 1e9, name, total);
    }

    @Override public synchronized void violation(String line) {
        out.printf("simulate: %.0f s: %s%n", (System.nanoTime() - t0) / 1e9, line);
    }

    @Override public synchronized void update(long done, String counters) {
        this.done = done;
        this.counters = counters;
        long now = System.nanoTime();
        if (now - lastLine >= everyNanos) {
            lastLine = now;
            out.printf("simulate: %.0f s: %s %d/%d: %s%n", (now - t0) / 1e9, phase, done, total, counters);
        }
    }

    /** The phase, its count done and total, and the run's last counters. */
    synchronized Map<String, Object> where() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("phase", phase);
        m.put("done", done);
        m.put("total", total);
        m.put("counters", counters);
        return m;
    }
}
