package dev.kinbox.simulator.fleet;

import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStoreException;
import java.util.SplittableRandom;

/**
 * A device's mailbox over a bad network, on any store: every operation first waits a delay drawn
 * from an exponential distribution of mean {@code meanLatencyMillis} (from the device's own seeded
 * stream; capped at ten times the mean), and after {@link #drop()} the next operation fails with
 * {@link MailStoreException.ConnectionLost} before it reaches the server. Watches pass through
 * undelayed (they are pushed to, not asked).
 */
final class FaultyLink extends GuardedStore {
    private final long meanLatencyMillis;
    private final SplittableRandom random;
    private int drops;

    FaultyLink(MailStore delegate, long meanLatencyMillis, SplittableRandom random) {
        super(delegate);
        if (meanLatencyMillis < 0) throw new IllegalArgumentException("negative latency");
        this.meanLatencyMillis = meanLatencyMillis;
        this.random = random;
    }

    /** The next operation fails as a dropped connection. */
    synchronized void drop() { drops++; }

    @Override void enter(String op) {
        long delay;
        synchronized (this) {
            if (drops > 0) {
                drops--;
                throw new MailStoreException.ConnectionLost(op + ": connection dropped (simulated)", null);
            }
            delay = meanLatencyMillis == 0 ? 0
                    : Math.min(10 * meanLatencyMillis, (long) (-Math.log(1 - random.nextDouble()) * meanLatencyMillis));
        }
        if (delay > 0) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MailStoreException.ConnectionLost(op + ": interrupted during simulated latency", e);
            }
        }
    }
}
