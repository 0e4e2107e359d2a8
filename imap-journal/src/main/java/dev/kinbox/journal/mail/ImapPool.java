package dev.kinbox.journal.mail;

import java.util.ArrayDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small pool of logged-in connections. Each operation borrows one under a deadline (a timer closes
 * its socket when the deadline passes), reconnects with exponential backoff when it has to, and
 * returns the connection only if it is still sound.
 */
final class ImapPool {
    private static final Logger log = LoggerFactory.getLogger(ImapPool.class);
    private static final long STALE_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** One step of an operation, run with a borrowed connection. */
    interface Step<T> {
        T run(ImapConnection c) throws Exception;
    }

    private final ImapSettings settings;
    private final ScheduledExecutorService timers;
    private final Semaphore permits;
    private final ArrayDeque<ImapConnection> idle = new ArrayDeque<>();
    private volatile boolean closed;

    ImapPool(ImapSettings settings, ScheduledExecutorService timers) {
        this.settings = settings;
        this.timers = timers;
        this.permits = new Semaphore(settings.poolSize(), true);
    }

    /**
     * Runs {@code step} on a pooled connection within the operation timeout. An idempotent step that
     * loses a reused connection is retried once on a fresh one.
     */
    <T> T run(String op, boolean idempotent, Step<T> step) {
        long deadline = System.nanoTime() + settings.operationTimeout().toNanos();
        if (closed) throw new MailStoreException.Closed("IMAP store is closed");
        try {
            if (!permits.tryAcquire(settings.operationTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new MailStoreException.Timeout(op + ": no free connection within the operation timeout", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MailStoreException.ConnectionLost(op + ": interrupted", e);
        }
        try {
            for (int attempt = 0; ; attempt++) {
                Borrowed b = take(op, deadline);
                long left = Math.max(1, deadline - System.nanoTime());
                ScheduledFuture<?> guard;
                try {
                    guard = timers.schedule(b.conn::abort, left, TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    b.conn.close();
                    throw new MailStoreException.Closed("IMAP store is closed");
                }
                try {
                    T result = step.run(b.conn);
                    guard.cancel(false);
                    give(b.conn, true);
                    return result;
                } catch (Exception e) {
                    guard.cancel(false);
                    boolean late = b.conn.aborted() && System.nanoTime() - deadline >= 0;
                    MailStoreException m = ImapErrors.map(op, e, late);
                    boolean keep = ImapErrors.keepsConnection(m) && !b.conn.aborted();
                    if (!keep) b.conn.forgetSelection();
                    give(b.conn, keep);
                    if (idempotent && b.reused && attempt == 0 && m instanceof MailStoreException.ConnectionLost) {
                        log.debug("{}: reused connection was dead, retrying on a fresh one", op);
                        continue;
                    }
                    throw m;
                }
            }
        } finally {
            permits.release();
        }
    }

    /** The capabilities of a (possibly new) connection. */
    java.util.Set<Capability> capabilities() {
        return run("CAPABILITY", true, c -> c.capabilities);
    }

    private record Borrowed(ImapConnection conn, boolean reused) {}

    private Borrowed take(String op, long deadline) {
        while (true) {
            ImapConnection c;
            synchronized (idle) {
                c = idle.pollFirst();
            }
            if (c == null) break;
            if (c.healthy() && (System.nanoTime() - c.lastUsedNanos < STALE_NANOS || ping(c))) return new Borrowed(c, true);
            c.close();
        }
        long backoff = 50;
        for (int attempt = 1; ; attempt++) {
            try {
                return new Borrowed(ImapConnection.open(settings, timers), false);
            } catch (MailStoreException e) {
                boolean retryable = e instanceof MailStoreException.ConnectionLost || e instanceof MailStoreException.Timeout;
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (!retryable || attempt >= 4 || left <= backoff) throw e;
                log.debug("{}: connect attempt {} failed ({}), retrying in {} ms", op, attempt, e.getMessage(), backoff);
                sleep(backoff);
                backoff = Math.min(backoff * 2, settings.reconnectBackoffMax().toMillis());
            }
        }
    }

    private static boolean ping(ImapConnection c) {
        try {
            c.noop();
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private void give(ImapConnection c, boolean healthy) {
        c.lastUsedNanos = System.nanoTime();
        if (healthy && !closed) {
            synchronized (idle) {
                idle.addFirst(c);
            }
        } else {
            c.close();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MailStoreException.ConnectionLost("interrupted", e);
        }
    }

    void close() {
        closed = true;
        synchronized (idle) {
            for (ImapConnection c : idle) c.close();
            idle.clear();
        }
    }
}
