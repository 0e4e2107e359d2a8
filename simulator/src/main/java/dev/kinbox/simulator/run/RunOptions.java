package dev.kinbox.simulator.run;

import java.time.Duration;

/**
 * How the runner paces and bounds a run.
 *
 * @param timeScale   simulated time per real time (3600: one simulated hour per real second)
 * @param settle      how long to wait after the last step for the devices to converge
 * @param sampleEvery how often the sampler reads every device's state
 * @param stopOnViolation stop stepping at the first violation seen during the run (then settle, check and report as usual)
 */
public record RunOptions(double timeScale, Duration settle, Duration sampleEvery, boolean stopOnViolation) {
    public RunOptions {
        if (!(timeScale > 0 && timeScale <= 1e9)) throw new IllegalArgumentException("time scale must be in (0, 1e9]");
        if (settle == null || settle.isNegative()) throw new IllegalArgumentException("settle must be >= 0");
        if (sampleEvery == null || sampleEvery.toMillis() < 10) throw new IllegalArgumentException("sample interval must be >= 10 ms");
    }

    /** Running every step whatever is seen meanwhile. */
    public RunOptions(double timeScale, Duration settle, Duration sampleEvery) {
        this(timeScale, settle, sampleEvery, false);
    }

    /** These options, stopping at the first violation or not. */
    public RunOptions stoppingOnViolation(boolean stop) {
        return new RunOptions(timeScale, settle, sampleEvery, stop);
    }
}
