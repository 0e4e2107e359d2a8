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
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs a list: watches its inbox through a {@link MailStore}, hands each mail to the
 * {@link RemailerPipeline}, sends the outcome over SMTP, records the outcome's {@link RosterEvent}s
 * and the post's key in a {@link RosterStore}, then deletes the mail.
 *
 * <p><b>Claims</b> (when {@link Claims} are given, i.e. when several instances serve one list): each
 * post is first claimed by {@link ClaimedInbox} (create the post's claim folder exclusively, then move
 * the post into it) and handled from there; the claim folder is deleted with the post after its
 * {@code PostDone} is journaled. A claim older than the lease (as this instance observes it) is taken
 * over into the next generation's folder. Before sending, a post whose key the store already knows as
 * handled is only deleted, so a restart or a takeover never re-sends a post whose handling was
 * recorded. See docs/PROTOCOL.md, "Remailer instances".
 *
 * <p>Threading: mails are processed one at a time, on the caller of {@link #start}/{@link #processPending}
 * or on the store's watch thread, or (with claims) on a sweep thread that passes again every half
 * lease, so stale claims are taken over while nothing new arrives. A failed SMTP delivery leaves the
 * mail where it is and is retried on the next change, sweep or {@link #processPending} call; if the
 * server took some copies before it failed, those are journaled ({@link ListEvent.CopiesSent}) and the
 * retry sends only the rest. With claims, a post is sent only while its claim is younger than half the
 * lease ({@link ClaimedInbox#hold}). A failure that retrying cannot heal (an untrusted certificate,
 * a wrong host name, no STARTTLS, a refused login: {@code Reason.needsAFix}) is logged as an error
 * and holds every delivery for {@link #HOLD_MIN}, doubling per such failure in a row up to
 * {@link #HOLD_MAX}, instead of reconnecting on every new post and sweep; the posts wait in the folder.
 */
public final class RemailerService implements AutoCloseable {
    /** Most mails handled in one pass; a longer inbox is worked off over several passes. */
    static final int MAX_PER_PASS = 100;
    /** First hold of deliveries after a failure that needs a fix; doubles per such failure in a row. */
    static final java.time.Duration HOLD_MIN = java.time.Duration.ofMinutes(1);
    static final java.time.Duration HOLD_MAX = java.time.Duration.ofHours(1);
    private static final System.Logger LOG = System.getLogger(RemailerService.class.getName());

    private final MailStore store;
    private final String folder;
    private final ClaimedInbox claimed;
    private final SmtpSender smtp;
    private final RemailerPipeline pipeline;
    private final RosterStore state;
    private final Consumer<PostOutcome> outcomes;
    private final java.time.Duration sweepEvery;
    private Watch watch;
    private java.util.concurrent.ScheduledExecutorService sweeper;
    private volatile boolean closed;
    private final java.util.function.LongSupplier nanoTime;
    /** Failures in a row that need a fix; while positive, nothing is sent before {@code heldUntil}. */
    private int needFix;
    private long heldUntil;

    /**
     * One instance, roster in memory (nothing survives a restart).
     *
     * @param store    the list account's store (the caller owns and closes it)
     * @param folder   the folder posts arrive in, usually {@code INBOX}
     * @param smtp     where list mail is sent
     * @param pipeline the decision function
     * @param initial  the roster to start from
     * @param events   receives each mail's events, in order
     * @param outcomes receives each outcome, for logs and tests (may ignore it)
     */
    public RemailerService(MailStore store, String folder, SmtpSettings smtp, RemailerPipeline pipeline, Roster initial,
                           Consumer<List<RosterEvent>> events, Consumer<PostOutcome> outcomes) {
        this(store, folder, null, smtp, pipeline, RosterStore.inMemory(initial, events), outcomes);
    }

    /**
     * An instance with a shared roster and, when {@code claims} is not null, claiming each post first.
     *
     * @param claims the list's claim folders and lease (null: no claiming, for a list served by one instance)
     */
    public RemailerService(MailStore store, String folder, Claims claims, SmtpSettings smtp, RemailerPipeline pipeline,
                           RosterStore state, Consumer<PostOutcome> outcomes) {
        this(store, folder, claims, smtp, pipeline, state, outcomes, System::nanoTime);
    }

    /** As above, measuring delivery holds on {@code nanoTime} (tests). */
    RemailerService(MailStore store, String folder, Claims claims, SmtpSettings smtp, RemailerPipeline pipeline,
                    RosterStore state, Consumer<PostOutcome> outcomes, java.util.function.LongSupplier nanoTime) {
        this.nanoTime = Objects.requireNonNull(nanoTime);
        this.store = Objects.requireNonNull(store);
        this.folder = Objects.requireNonNull(folder);
        this.claimed = claims == null ? null : new ClaimedInbox(store, folder, claims);
        // with claims, a stale claim (its instance died, or a claim made from an out-of-date view) must be taken
        // over even when nothing new arrives to wake the watch: pass again every half lease (at least every second)
        this.sweepEvery = claims == null ? null
                : java.time.Duration.ofMillis(Math.max(1000, claims.lease().toMillis() / 2));
        this.smtp = new SmtpSender(smtp);
        this.pipeline = Objects.requireNonNull(pipeline);
        this.state = Objects.requireNonNull(state);
        this.outcomes = Objects.requireNonNull(outcomes);
    }

    /** Handles what is already in the folder, then watches it (IDLE where the server has it). */
    public synchronized void start() {
        if (closed) throw new IllegalStateException("closed");
        if (watch != null) return;
        watch = store.watch(folder, this::onEvent);
        if (sweepEvery != null) {
            sweeper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "remailer-sweep");
                t.setDaemon(true);
                return t;
            });
            sweeper.scheduleWithFixedDelay(this::sweep, sweepEvery.toMillis(), sweepEvery.toMillis(),
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        processPending();
    }

    /** The roster as this service currently sees it. */
    public Roster roster() {
        return state.roster();
    }

    /**
     * Handles up to {@value #MAX_PER_PASS} mails, oldest first (with claims: first this instance's
     * unfinished claims, then stale claims, then the inbox); returns how many were handled (sent or
     * found already handled, and deleted). Store errors end the pass and are logged; the mails stay.
     */
    public synchronized int processPending() {
        if (closed) return 0;
        int done = 0;
        try {
            // a claim folder holds the one post this instance moved into it, and goes whole: no UIDVALIDITY check
            if (claimed != null) return claimed.pass(MAX_PER_PASS, (f, h) -> handle(f, 0, h), () -> closed);
            long validity = store.status(folder).uidValidity(); // before the listing: a rebuild after it fails the deletions
            List<StoredMessage> heads = heads(folder);
            for (StoredMessage h : heads.subList(0, Math.min(heads.size(), MAX_PER_PASS))) {
                if (closed || !handle(folder, validity, h)) break;
                done++;
            }
        } catch (MailStoreException.UidValidityChanged e) {
            // the inbox was restored from a backup during the pass: the listed UIDs name other mails now.
            // What was handled is journalled as done; the next pass lists again and deletes it then.
            LOG.log(System.Logger.Level.INFO, "remailer: " + folder + " got a new UIDVALIDITY during the pass; listing it again");
        } catch (MailStoreException e) {
            LOG.log(System.Logger.Level.WARNING, "remailer: reading " + folder + " failed: " + e.getMessage());
        }
        return done;
    }

    /** In digest mode, sends the queued missed-message digests now; false when SMTP or the store failed. */
    public synchronized boolean sendDigests() {
        PostOutcome o = pipeline.digest(state.roster());
        return send(o.outgoing(), null) && record(o, null);
    }

    private List<StoredMessage> heads(String f) {
        return store.fetch(f, UidRange.all(), Fetch.HEADERS);
    }

    // One mail: skip if already handled, else decide, send, record, delete (only while the folder still has
    // UIDVALIDITY `validity`, the one it was listed in; 0: unchecked). False: stop the pass.
    private boolean handle(String f, long validity, StoredMessage h) {
        Roster roster = state.roster();
        byte[] raw = h.size() > roster.settings().maxPostBytes() ? h.headers() : full(f, h.uid());
        if (raw == null) return true;
        String key = RosterStore.postKey(raw);
        if (claimed != null) {
            // several instances: another one may have handled this post moments ago (a claim taken over
            // from an instance that had sent it): read their journals before deciding
            try {
                state.catchUp();
            } catch (RemailerException e) {
                LOG.log(System.Logger.Level.WARNING, "remailer: cannot read the other instances' state (" + e.getMessage() + "); will retry");
                return false;
            }
        }
        if (!state.done(key)) {
            PostOutcome o = pipeline.process(roster, raw, h.size());
            if (claimed != null) {
                switch (claimed.hold(f, h.uid())) {
                    case LOST -> {
                        // taken over while we worked (we were slower than the lease): no longer ours to send
                        LOG.log(System.Logger.Level.INFO, "remailer: claim " + f + " was taken over while the post was being prepared; not sending it");
                        return true;
                    }
                    case AGED -> {
                        LOG.log(System.Logger.Level.WARNING, "remailer: claim " + f + " is older than half the lease; renewing it before sending");
                        return false;
                    }
                    case HELD -> { }
                }
            }
            if (!send(o.outgoing(), key) || !record(o, key)) return false;
            outcomes.accept(o);
            if (!(o instanceof PostOutcome.Delivered) && !(o instanceof PostOutcome.CommandHandled)) {
                LOG.log(System.Logger.Level.INFO, "remailer: " + describe(o));
            }
        }
        store.delete(f, List.of(h.uid()), validity);
        return true;
    }

    private byte[] full(String f, long uid) {
        List<StoredMessage> m = store.fetch(f, UidRange.of(uid), Fetch.FULL);
        return m.isEmpty() ? null : m.get(0).raw();
    }

    // Sends the copies not sent yet; when the server fails part-way, journals the copies it took (with a
    // post key), so that a retry, by this instance or another, sends only the rest.
    private boolean send(List<OutgoingMail> mails, String key) {
        List<OutgoingMail> left = mails;
        if (key != null) {
            Set<String> sent = state.copiesSent(key);
            if (!sent.isEmpty()) left = mails.stream().filter(m -> !sent.contains(m.copyId())).toList();
        }
        long now = nanoTime.getAsLong();
        if (needFix > 0 && now - heldUntil < 0) return false; // logged when the hold began
        try {
            smtp.send(left);
            needFix = 0;
            return true;
        } catch (RemailerException.DeliveryFailed e) {
            if (e.reason().needsAFix()) {
                needFix++;
                java.time.Duration hold = HOLD_MIN.multipliedBy(1L << Math.min(10, needFix - 1));
                if (hold.compareTo(HOLD_MAX) > 0) hold = HOLD_MAX;
                heldUntil = now + hold.toNanos();
                LOG.log(System.Logger.Level.ERROR, "remailer: the SMTP server cannot take list mail as configured (" + e.reason() + "): "
                        + e.getMessage() + "; fix the server or the SMTP settings - posts wait in " + folder
                        + ", next attempt in " + hold.toMinutes() + " min");
            } else {
                LOG.log(System.Logger.Level.WARNING, "remailer: " + e.getMessage() + "; will retry");
            }
            if (key != null && e.sent() > 0) {
                try {
                    state.recordCopiesSent(key, left.subList(0, Math.min(e.sent(), left.size())).stream().map(OutgoingMail::copyId).toList());
                } catch (RemailerException r) {
                    LOG.log(System.Logger.Level.WARNING, "remailer: could not journal the " + e.sent() + " copies sent; a retry sends them again: " + r.getMessage());
                }
            }
            return false;
        }
    }

    private boolean record(PostOutcome o, String key) {
        try {
            state.record(o.events(), key);
            return true;
        } catch (RemailerException e) {
            // Sent but not recorded: the mail stays and a retry re-sends it (at-least-once in this window).
            LOG.log(System.Logger.Level.WARNING, "remailer: sent, but recording failed: " + e.getMessage());
            return false;
        }
    }

    private static String describe(PostOutcome o) {
        if (o instanceof PostOutcome.Refused r) return "refused (" + r.reason() + "): " + r.detail();
        if (o instanceof PostOutcome.Dropped d) return "dropped (" + d.reason() + "): " + d.detail();
        return o.getClass().getSimpleName();
    }

    /** The periodic pass; an unexpected failure is logged and the next sweep still runs. */
    private void sweep() {
        try {
            processPending();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "remailer: sweep failed: " + e);
        }
    }

    private void onEvent(FolderEvent e) {
        if (e instanceof FolderEvent.Missing) return;
        processPending();
    }

    /** Stops watching; the store stays open (its owner closes it). Idempotent. */
    @Override public void close() {
        Watch w;
        java.util.concurrent.ScheduledExecutorService sw;
        closed = true;
        synchronized (this) {
            w = watch;
            watch = null;
            sw = sweeper;
            sweeper = null;
        }
        if (sw != null) sw.shutdownNow();
        if (w != null) w.close(); // outside the lock: the watch thread may be waiting for it
    }
}
