package dev.kinbox.simulator.run;

/**
 * What pacing ({@link Pacer}) did in a run: how far the steps fell behind the devices' clock, and how long it ran slowed.
 *
 * @param boundMillis   the lag bound (simulated milliseconds); -1 when the run did not drive its devices' clock (not paced)
 * @param maxLagMillis  the largest lag seen: how long the oldest step not yet done had been due (simulated)
 * @param slowdowns     how often the clock slowed
 * @param slowedSeconds real seconds the clock ran slowed
 */
public record Pacing(long boundMillis, long maxLagMillis, int slowdowns, double slowedSeconds) {}
