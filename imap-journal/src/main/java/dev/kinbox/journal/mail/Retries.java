package dev.kinbox.journal.mail;

import java.util.function.IntFunction;

/** Store work run again after a lost connection or a timeout: what a server restart looks like to a client. */
public final class Retries {
    /**
     * Attempts {@link #afterLostConnections} makes: about 8 s of waiting in all - a Dovecot restart takes
     * seconds, and a GreenMail one under load (every client reconnecting at once) longer than 4 s.
     */
    public static final int ATTEMPTS = 6;
    private static final long FIRST_PAUSE_MILLIS = 250;

    private Retries() {}

    /**
     * Runs {@code work} (given the attempt number, 0 first) and, after a {@link MailStoreException.ConnectionLost}
     * or {@link MailStoreException.Timeout}, waits 250 ms, doubling each time (7.75 s in all), and runs it again: at most
     * {@link #ATTEMPTS} attempts, then the last failure. {@code work} must be safe to repeat - an APPEND whose
     * answer was lost may have been stored, so a later attempt looks for it first. Blocks the calling thread.
     */
    public static <T> T afterLostConnections(IntFunction<T> work) {
        return afterLostConnections(ATTEMPTS, FIRST_PAUSE_MILLIS, work);
    }

    /** As {@link #afterLostConnections(IntFunction)} with {@code attempts} and a first pause of {@code firstPauseMillis}. */
    static <T> T afterLostConnections(int attempts, long firstPauseMillis, IntFunction<T> work) {
        if (attempts < 1 || firstPauseMillis < 0) throw new IllegalArgumentException("attempts >= 1, pause >= 0");
        MailStoreException last = null;
        long pause = firstPauseMillis;
        for (int attempt = 0; attempt < attempts; attempt++) {
            if (last != null) {
                sleep(pause);
                pause *= 2;
            }
            try {
                return work.apply(attempt);
            } catch (MailStoreException.ConnectionLost | MailStoreException.Timeout e) {
                last = e;
            }
        }
        throw last;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MailStoreException.ConnectionLost("interrupted while waiting to try the store again", e);
        }
    }
}
