package dev.kinbox.journal;

import dev.kinbox.journal.mail.FolderEvent;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.mail.Watch;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes live queries: a watch on this device's own folder (where siblings drop nudges) signals every
 * waiting query and deletes the nudges it finds; without a nudge a query wakes after the sweep
 * interval anyway. Started by the first live query.
 */
final class Wakeups implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Wakeups.class);
    private final MailStore store;
    private final ServerFolder own;
    private final Executor executor;
    private volatile CompletableFuture<Void> next = new CompletableFuture<>();
    private volatile Watch watch;
    private boolean closed;
    private int failedStarts;

    private final JournalStats stats;

    Wakeups(MailStore store, ServerFolder own, Executor executor, JournalStats stats) {
        this.stats = stats;
        this.store = store;
        this.own = own;
        this.executor = executor;
    }

    /**
     * Starts the watch on our own folder if not yet running. Called by every new live query and again
     * after every sweep, so a watch that could not start (offline at the time) starts once the server
     * is back; the first failure is logged as a warning, the retries at debug level.
     */
    synchronized void start() {
        if (watch != null || closed) return;
        try {
            own.create();
            watch = store.watch(own.name(), this::onEvent);
            if (failedStarts > 0) LOG.info("watching {} for nudges after {} failed attempt(s)", own.name(), failedStarts);
            failedStarts = 0;
        } catch (MailStoreException e) {
            if (failedStarts++ == 0) LOG.warn("cannot watch {} for nudges ({}); live queries rely on the sweep and retry", own.name(), e.toString());
            else LOG.debug("cannot watch {} for nudges ({}), attempt {}", own.name(), e.toString(), failedStarts);
        }
    }

    /** True while the nudge watch runs (queries retry {@link #start} after a sweep until it does). */
    boolean watching() {
        return watch != null;
    }

    /** The future the next signal completes. */
    CompletableFuture<Void> current() {
        return next;
    }

    /** Completes when {@code wake} does or after {@code timeout}, whichever is first. */
    CompletableFuture<Void> await(CompletableFuture<Void> wake, Duration timeout) {
        CompletableFuture<Void> timer = new CompletableFuture<>();
        CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS, executor).execute(() -> timer.complete(null));
        return CompletableFuture.anyOf(wake, timer).thenApply(x -> null);
    }

    /** Wakes every waiting query. */
    void signal() {
        CompletableFuture<Void> n = next;
        next = new CompletableFuture<>();
        n.complete(null);
    }

    private void onEvent(FolderEvent e) {
        signal();
        executor.execute(() -> {
            try {
                own.delete(own.list(-1, 0).nudges());
            } catch (MailStoreException ex) {
                stats.readFailures.increment();
                LOG.debug("cannot delete nudges: {}", ex.toString());
            }
        });
    }

    @Override public synchronized void close() {
        closed = true;
        if (watch != null) watch.close();
        signal();
    }
}
