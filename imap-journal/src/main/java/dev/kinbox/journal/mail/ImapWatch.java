package dev.kinbox.journal.mail;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.angus.mail.iap.CommandFailedException;
import org.eclipse.angus.mail.iap.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one folder on its own connection and thread: IDLE (renewed before the read timeout) or
 * NOOP polling. On a lost connection it reconnects with backoff, reports {@link FolderEvent.Reconnected}
 * and compares UIDVALIDITY with what it last saw.
 */
final class ImapWatch implements Watch {
    private static final Logger log = LoggerFactory.getLogger(ImapWatch.class);

    private final ImapSettings settings;
    private final ScheduledExecutorService timers;
    private final String folder;
    private final Consumer<FolderEvent> listener;
    private final Consumer<ImapWatch> onClose;
    private final boolean idle;
    private final Object idleLock = new Object();
    private final Thread thread;
    private volatile boolean stopped;
    private volatile ImapConnection conn;
    private boolean inIdle;
    private boolean doneSent;
    private long knownUidValidity;
    private boolean missingReported;
    private volatile boolean changed;

    private ImapWatch(ImapSettings s, ScheduledExecutorService timers, String folder, Consumer<FolderEvent> listener,
                      Consumer<ImapWatch> onClose, ImapConnection first, long uidValidity) {
        this.settings = s;
        this.timers = timers;
        this.folder = folder;
        this.listener = listener;
        this.onClose = onClose;
        this.conn = first;
        this.knownUidValidity = uidValidity;
        boolean hasIdle = first.has(Capability.IDLE);
        if (s.watchMode() == ImapSettings.WatchMode.IDLE && !hasIdle) {
            first.close();
            throw new MailStoreException.CommandRefused("watch " + folder + ": server has no IDLE", null);
        }
        this.idle = s.watchMode() != ImapSettings.WatchMode.POLL && hasIdle;
        this.thread = new Thread(this::loop, "imap-watch-" + folder);
        this.thread.setDaemon(true);
    }

    /** Connects and selects synchronously (so errors reach the caller and no change after return is missed). */
    static ImapWatch start(ImapSettings s, ScheduledExecutorService timers, String folder, Consumer<FolderEvent> listener,
                           Consumer<ImapWatch> onClose) {
        ImapConnection c = ImapConnection.open(s, timers);
        long validity;
        try {
            validity = selectOrThrow(c, folder);
        } catch (Exception e) {
            c.close();
            throw ImapErrors.map("watch " + folder, e, false);
        }
        ImapWatch w = new ImapWatch(s, timers, folder, listener, onClose, c, validity);
        w.thread.start();
        return w;
    }

    private static long selectOrThrow(ImapConnection c, String folder) throws Exception {
        try {
            return c.select(folder);
        } catch (CommandFailedException e) {
            throw ImapMailStore.missingOr(c, folder, e);
        }
    }

    @Override public String folder() { return folder; }

    @Override public String mode() { return idle ? "idle" : "poll"; }

    private void loop() {
        int attempt = 0;
        long backoff = 100;
        while (!stopped) {
            try {
                if (conn == null) {
                    conn = ImapConnection.open(settings, timers);
                    long v;
                    try {
                        v = selectOrThrow(conn, folder);
                    } catch (MailStoreException.FolderMissing gone) {
                        if (!missingReported) { missingReported = true; emit(new FolderEvent.Missing(folder)); }
                        throw gone;
                    }
                    missingReported = false;
                    attempt++;
                    if (v != knownUidValidity) {
                        emit(new FolderEvent.UidValidityChanged(folder, knownUidValidity, v));
                        knownUidValidity = v;
                    }
                    emit(new FolderEvent.Reconnected(folder, attempt));
                }
                backoff = 100;
                conn.protocol.addResponseHandler(r -> { if (ImapMailStore.isChange(r)) changed = true; });
                if (idle) idleLoop(conn); else pollLoop(conn);
            } catch (Exception e) {
                if (stopped) break;
                MailStoreException m = ImapErrors.map("watch " + folder, e, false);
                log.debug("watch {}: {} - reconnecting in {} ms", folder, m.getMessage(), backoff);
                ImapConnection c = conn;
                conn = null;
                if (c != null) c.close();
                sleepQuietly(backoff);
                backoff = Math.min(backoff * 2, settings.reconnectBackoffMax().toMillis());
            }
        }
        ImapConnection c = conn;
        if (c != null) c.close();
    }

    private void idleLoop(ImapConnection c) throws Exception {
        long renewMs = Math.max(50, Math.min(settings.readTimeout().toMillis() / 2, TimeUnit.MINUTES.toMillis(10)));
        while (!stopped) {
            c.protocol.idleStart();
            synchronized (idleLock) { inIdle = true; doneSent = false; }
            ScheduledFuture<?> renew = timers.schedule(this::endIdle, renewMs, TimeUnit.MILLISECONDS);
            try {
                fire();
                while (true) {
                    Response r = c.protocol.readIdleResponse();
                    if (r == null) break;
                    boolean more = c.protocol.processIdleResponse(r);
                    fire();
                    if (!more) break;
                }
            } finally {
                renew.cancel(false);
                synchronized (idleLock) { inIdle = false; }
            }
            fire();
            if (!stopped) checkValidity(c);
        }
    }

    /**
     * STATUS of the watched folder between IDLEs (and every ~5 s of polling): some servers (GreenMail)
     * never tell a selecting connection that its folder was deleted and recreated.
     */
    private void checkValidity(ImapConnection c) throws Exception {
        org.eclipse.angus.mail.imap.protocol.Status st;
        try {
            st = c.protocol.status(folder, new String[] {"UIDVALIDITY"});
        } catch (CommandFailedException e) {
            throw ImapMailStore.missingOr(c, folder, e);
        }
        if (st != null && st.uidvalidity > 0 && st.uidvalidity != knownUidValidity) {
            c.forgetSelection();
            long v = c.select(folder);
            emit(new FolderEvent.UidValidityChanged(folder, knownUidValidity, v));
            knownUidValidity = v;
            changed = true;
            fire();
        }
    }

    private void pollLoop(ImapConnection c) throws Exception {
        long ms = settings.pollInterval().toMillis();
        long checkEvery = Math.max(1, 5000 / ms);
        for (long n = 1; !stopped; n++) {
            c.noop();
            fire();
            if (n % checkEvery == 0) checkValidity(c);
            Thread.sleep(ms);
        }
    }

    /** Sends DONE once per IDLE (renewal or stop); safe from any thread. */
    private void endIdle() {
        synchronized (idleLock) {
            ImapConnection c = conn;
            if (inIdle && !doneSent && c != null) {
                doneSent = true;
                c.protocol.idleAbort();
            }
        }
    }

    private void fire() {
        if (changed) {
            changed = false;
            emit(new FolderEvent.Changed(folder));
        }
    }

    private void emit(FolderEvent e) {
        if (stopped) return;
        try {
            listener.accept(e);
        } catch (RuntimeException ex) {
            log.warn("watch listener for {} threw on {}", folder, e, ex);
        }
    }

    private void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        }
    }

    /**
     * Ends the watch gracefully when the server answers: DONE ends the IDLE, and the loop logs out
     * (waiting for the answer), so the server has dropped this session's folder listener before close
     * returns. GreenMail otherwise may still write to the closed session from another session's
     * command (a DELETE of the folder) and fail that command. Aborts the connection after
     * {@link #CLOSE_GRACE} (a server that does not answer).
     */
    @Override public void close() {
        if (stopped) return;
        stopped = true;
        endIdle();
        if (!idle) thread.interrupt(); // a poll loop sleeps between NOOPs
        try {
            thread.join(CLOSE_GRACE.toMillis());
            if (thread.isAlive()) {
                ImapConnection c = conn;
                if (c != null) c.abort();
                thread.interrupt();
                thread.join(TimeUnit.SECONDS.toMillis(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        onClose.accept(this);
    }

    /** How long {@link #close} waits for the server's answers before it aborts the connection. */
    static final java.time.Duration CLOSE_GRACE = java.time.Duration.ofSeconds(1);
}
