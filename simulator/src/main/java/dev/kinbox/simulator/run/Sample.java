package dev.kinbox.simulator.run;

/**
 * One point of the run's timeline.
 *
 * @param seconds            real seconds since the steps began
 * @param running            devices running (whose state the sample read)
 * @param paired             of those, the devices whose own state records them as {@code PAIRED} (not announced only, not retired)
 * @param eventsApplied      events applied so far (see {@link Sampler})
 * @param lagMaxMs           largest convergence lag resolved since the previous sample, -1 if none
 * @param storeMessagesMax   most messages in one account's mailbox
 * @param heapUsed           JVM heap in use
 */
public record Sample(double seconds, int running, int paired, long eventsApplied, double lagMaxMs, long storeMessagesMax, long heapUsed) {}
