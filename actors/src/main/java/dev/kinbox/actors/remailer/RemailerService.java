package dev.kinbox.actors.remailer;

import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.FolderEvent;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.mail.Watch;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Runs a list: watches its inbox through a {@link MailStore}, hands each mail to the
 * {@link RemailerPipeline}, sends the outcome over SMTP, then reports the outcome's
 * {@link RosterEvent}s and deletes the mail.
 *
 * <p><b>Not event-sourced (yet).</b> The service starts from the {@link Roster} value it is given and
 * folds its own events into an in-memory copy; it persists nothing. Every batch of events goes to the
 * {@code events} callback after the mail was sent and before the mail is deleted: that callback is the
 * seam where the future persistent actor journals the events (and where two instances will agree on
 * one state). Until then a restart starts again from whatever roster the caller passes in, and a
 * crash between sending and deleting re-sends that post (at-least-once); exactly-once across
 * restarts and instances is the persistent actor's job.
 *
 * <p>Threading: mails are processed one at a time, on the caller of {@link #start}/{@link #processPending}
 * or on the store's watch thread. A failed SMTP delivery leaves the mail in the inbox, applies none of
 * its events and is retried on the next change or {@link #processPending} call.
 */
public final class RemailerService implements AutoCloseable {
    /** Most mails handled in one pass; a longer inbox is worked off over several passes. */
    static final int MAX_PER_PASS = 100;
    private static final System.Logger LOG = System.getLogger(RemailerService.class.getName());

    private final MailStore store;
    private final String folder;
    private final SmtpSender smtp;
    private final RemailerPipeline pipeline;
    private final Consumer<List<RosterEvent>> events;
    private final Consumer<PostOutcome> outcomes;
    private Roster roster;
    private Watch watch;
    private volatile boolean closed;

    /**
     * @param store    the list account's store (the caller owns and closes it)
     * @param folder   the folder posts arrive in, usually {@code INBOX}
     * @param smtp     where list mail is sent
     * @param pipeline the decision function
     * @param initial  the roster to start from
     * @param events   receives each mail's events, in order (the persistence seam)
     * @param outcomes receives each outcome, for logs and tests (may ignore it)
     */
    public RemailerService(MailStore store, String folder, SmtpSettings smtp, RemailerPipeline pipeline, Roster initial,
                           Consumer<List<RosterEvent>> events, Consumer<PostOutcome> outcomes) {
        this.store = Objects.requireNonNull(store);
        this.folder = Objects.requireNonNull(folder);
        this.smtp = new SmtpSender(smtp);
        this.pipeline = Objects.requireNonNull(pipeline);
        this.roster = Objects.requireNonNull(initial);
        this.events = Objects.requireNonNull(events);
        this.outcomes = Objects.requireNonNull(outcomes);
    }

    /** Handles what is already in the folder, then watches it (IDLE where the server has it). */
    public synchronized void start() {
        if (closed) throw new IllegalStateException("closed");
        if (watch != null) return;
        watch = store.watch(folder, this::onEvent);
        processPending();
    }

    /** The roster as this service currently sees it. */
    public synchronized Roster roster() {
        return roster;
    }

    /**
     * Handles up to {@value #MAX_PER_PASS} mails in the folder, oldest first; returns how many were
     * handled (sent and deleted). Store errors end the pass and are logged; the mails stay.
     */
    public synchronized int processPending() {
        if (closed) return 0;
        int done = 0;
        try {
            List<StoredMessage> heads = store.fetch(folder, UidRange.all(), Fetch.HEADERS);
            for (StoredMessage h : heads.subList(0, Math.min(heads.size(), MAX_PER_PASS))) {
                byte[] raw = h.size() > roster.settings().maxPostBytes() ? h.headers() : full(h.uid());
                if (raw == null) continue;
                PostOutcome o = pipeline.process(roster, raw, h.size());
                if (!handle(o)) break;
                store.delete(folder, List.of(h.uid()));
                done++;
            }
        } catch (MailStoreException e) {
            LOG.log(System.Logger.Level.WARNING, "remailer: reading " + folder + " failed: " + e.getMessage());
        }
        return done;
    }

    /** In digest mode, sends the queued missed-message digests now; false when SMTP failed. */
    public synchronized boolean sendDigests() {
        return handle(pipeline.digest(roster));
    }

    private byte[] full(long uid) {
        List<StoredMessage> m = store.fetch(folder, UidRange.of(uid), Fetch.FULL);
        return m.isEmpty() ? null : m.get(0).raw();
    }

    private boolean handle(PostOutcome o) {
        try {
            smtp.send(o.outgoing());
        } catch (RemailerException.DeliveryFailed e) {
            LOG.log(System.Logger.Level.WARNING, "remailer: " + e.getMessage() + "; will retry");
            return false;
        }
        roster = roster.applyAll(o.events());
        if (!o.events().isEmpty()) events.accept(o.events());
        outcomes.accept(o);
        if (!(o instanceof PostOutcome.Delivered) && !(o instanceof PostOutcome.CommandHandled)) {
            LOG.log(System.Logger.Level.INFO, "remailer: " + describe(o));
        }
        return true;
    }

    private static String describe(PostOutcome o) {
        if (o instanceof PostOutcome.Refused r) return "refused (" + r.reason() + "): " + r.detail();
        if (o instanceof PostOutcome.Dropped d) return "dropped (" + d.reason() + "): " + d.detail();
        return o.getClass().getSimpleName();
    }

    private void onEvent(FolderEvent e) {
        if (e instanceof FolderEvent.Missing) return;
        processPending();
    }

    /** Stops watching; the store stays open (its owner closes it). Idempotent. */
    @Override public void close() {
        Watch w;
        synchronized (this) {
            closed = true;
            w = watch;
            watch = null;
        }
        if (w != null) w.close(); // outside the lock: the watch thread may be waiting for it
    }
}
