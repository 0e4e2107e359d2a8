package dev.kinbox.simulator.run;

/**
 * One point of the run's timeline.
 *
 * @param seconds            real seconds since the steps began
 * @param running            devices running
 * @param eventsApplied      events applied so far (see {@link Sampler})
 * @param lagMaxMs           largest convergence lag resolved since the previous sample, -1 if none
 * @param storeMessagesMax   most messages in one account's mailbox
 * @param heapUsed           JVM heap in use
 */
public record Sample(double seconds, int running, long eventsApplied, double lagMaxMs, long storeMessagesMax, long heapUsed) {}
