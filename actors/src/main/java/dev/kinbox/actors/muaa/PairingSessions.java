package dev.kinbox.actors.muaa;

import dev.kinbox.actors.muaa.PairingApprover.PairingMethod;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaFormatException;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.DeviceEvent;
import dev.kinbox.persistence.DeviceRecord;
import dev.kinbox.persistence.crdt.DeviceStatus;
import dev.kinbox.persistence.crdt.HybridClock;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MUAA's open pairing sessions and their command handlers (docs/PROTOCOL.md, "Pairing drops"):
 * {@link Muaa.RequestPairing} and {@link Muaa.EnterPairingCode} on the new device, requests taken
 * from our folder and the {@link PairingApprover}'s answers on the existing one. Sessions live here,
 * not in the state: a restart aborts them, except from the moment the account keys leave: then each
 * side keeps a {@link PairingNote} in its own folder, read back at start ({@link #resume}), so the
 * existing device still takes the ack and the new device still resends it ({@link PendingAcks})
 * until the existing device persisted the pairing and answered {@code done}. Used on the actor's thread only.
 */
final class PairingSessions {
    private static final Logger LOG = LoggerFactory.getLogger(PairingSessions.class);
    /** Longest wait for our {@code DevicePaired} to reach the server before done is left ({@link #leaveDone}). */
    static final java.time.Duration DONE_UPLOAD_WAIT = java.time.Duration.ofSeconds(20);
    private final Muaa m;
    private final Muaa.Settings settings;
    private final Clock clock;
    private final HybridClock hlc;
    private final ActorContext<Muaa.Command> ctx;
    private final Environment env;
    private final TimerScheduler<Muaa.Command> timers;
    private final Map<String, NewSide> asking = new HashMap<>();
    private final Map<String, ActorRef<StatusReply<PairingOutcome.Paired>>> askingDone = new HashMap<>();
    private final Map<String, ExistingSide> answering = new HashMap<>();
    /**
     * Pairing requests held while this device checks whether its siblings retired it while it was away
     * ({@code Liveness.mayHaveBeenRetired}), with when each was held (System.nanoTime: like a live session, in real time -
     * the device's clock may run thousands of times faster in the simulator); answered once a check refreshed
     * it, refused if it finds this device retired, dropped after the pairing timeout.
     */
    private final Map<PairDrop, Long> held = new java.util.LinkedHashMap<>();
    private static final int MAX_HELD = 4;
    /** Sessions whose done waits for our upload ({@link #leaveDone}): a resent ack meanwhile adds nothing. */
    private final Set<String> donePending = new java.util.HashSet<>();
    private final PendingAcks acks;
    private boolean polling;
    /**
     * While the watch on our folder runs and no pairing session of ours is open, the periodic poll is
     * this many {@code Timing.dropPoll}s apart (5 minutes at the default 2 s): the watch has us take a
     * request as it comes, and the poll only covers a notification the watch missed.
     */
    static final int WATCHED_POLLS_APART = 150;
    /** Tells this MUAA to take its drops now: run by the journal's watch on our folder when pairing drops come. */
    private final Runnable dropsCame;
    private int noteReads;
    /**
     * The drops (author, session, step) taken so far, most recent 4,096: a server may list a drop
     * again after we deleted it (Dovecot: a UID SEARCH on another connection before that connection
     * learned of the expunge), and a repeated step must not abort its session.
     */
    private final Set<String> taken = java.util.Collections.newSetFromMap(new java.util.LinkedHashMap<>() {
        @Override protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 4096;
        }
    });

    PairingSessions(Muaa m) {
        this.m = m;
        this.settings = m.settings;
        this.clock = m.clock;
        this.hlc = m.hlc;
        this.ctx = m.ctx;
        this.env = m.env;
        this.timers = m.timers;
        this.acks = new PendingAcks(m, this);
        org.apache.pekko.actor.typed.ActorRef<Muaa.Command> self = ctx.getSelf();
        this.dropsCame = () -> self.tell(Muaa.CheckDrops.INSTANCE);
    }

    /**
     * Has the watch on our folder tell us of pairing drops as they come (blocking I/O), so a pairing
     * does not wait for the next poll: once this device has started (its folder is its own then), and
     * again at every poll.
     */
    boolean watchDrops() {
        try {
            return m.journal().watchPairingDrops(settings.deviceId(), dropsCame);
        } catch (dev.kinbox.journal.JournalException.BadConfig e) {
            // the device is no longer hosted: this MUAA stopped, and this was work it left on the blocking dispatcher
            LOG.debug("not watching for pairing drops: {}", e.getMessage());
            return false;
        } catch (RuntimeException e) { // a start or a poll goes on without it: the polls still find the drops
            LOG.warn("cannot watch for pairing drops, polling every {} instead: {}", env.timing().dropPoll(), e.toString());
            return false;
        }
    }

    /** Whether the watch on our folder runs with our listener (see {@link #watchDrops()}). */
    private boolean watchDrops(AccountState state) {
        return state.devices().containsKey(settings.deviceId()) && watchDrops();
    }

    /**
     * The next periodic look for drops: after {@code Timing.dropPoll} while the watch on our folder is
     * down or a pairing session of ours is open (its next drop is due: a step the watch missed must
     * not wait long), else {@value #WATCHED_POLLS_APART} times that (the watch reports drops as they
     * come; the poll only covers what it might miss).
     */
    void pollLater(boolean watched) {
        java.time.Duration every = env.timing().dropPoll();
        timers.startSingleTimer(Muaa.PollDrops.INSTANCE, watched && !sessionOpen() ? every.multipliedBy(WATCHED_POLLS_APART) : every);
    }

    /** Whether a session of ours waits for a drop: either side's, or an ack of ours waiting for its done. */
    private boolean sessionOpen() {
        return !asking.isEmpty() || !answering.isEmpty() || acks.waiting() || !held.isEmpty();
    }

    /**
     * The held requests, at a poll: answered when this device is no longer possibly expired (a check refreshed
     * it), refused when it learnt it is retired; a check is asked for while they wait.
     */
    private void resumeHeld(AccountState state) {
        if (held.isEmpty()) return;
        long now = System.nanoTime();
        held.values().removeIf(at -> now - at > env.timing().pairingTimeout().toNanos()); // the newcomer gave up
        if (m.liveness.retired(state).isPresent()) {
            for (PairDrop d : held.keySet()) {
                m.refusedPairings.increment();
                LOG.warn("refusing pairing request {}: {}", d, m.liveness.retired(state).get());
                leave(d.author(), new PairDrop(settings.deviceId(), d.session(), "abort", new byte[] {'-'})); // it may ask another device now
            }
            held.clear();
            return;
        }
        if (m.liveness.mayHaveBeenRetired(state)) {
            ctx.getSelf().tell(Muaa.LivenessTick.INSTANCE); // no-op while a check runs
            return;
        }
        List<PairDrop> ready = new ArrayList<>(held.keySet());
        held.clear();
        for (PairDrop d : ready) {
            try {
                request(state, d);
            } catch (CryptoException e) {
                LOG.warn("refusing pairing request {}: {}", d, e.getMessage());
            }
        }
    }

    /** A session just opened: the next poll comes after {@code Timing.dropPoll}, not after an idle device's long wait. */
    void sessionOpened() {
        if (!polling) timers.startSingleTimer(Muaa.PollDrops.INSTANCE, env.timing().dropPoll());
    }

    /** This MUAA stops: a later one of the device sets its own listener. */
    void stop() {
        if (env != null) m.journal().unwatchPairingDrops(settings.deviceId(), dropsCame);
    }


    private DropBox dropBox() {
        return new DropBox(m.journal().mailStore(settings.deviceId()), settings.deviceId(), clock, m.malformedDrops);
    }

    void leave(String device, PairDrop drop) {
        m.runBlocking(() -> {
            dropBox().leave(device, drop);
            return null;
        }, (v, e) -> e == null ? Muaa.Noop.INSTANCE : failedToLeave(drop, e));
    }

    /** Keeps {@code note} in our folder and only then leaves {@code drop}: what the drop starts survives our crash. */
    void keepThenLeave(PairingNote note, String device, PairDrop drop) {
        m.runBlocking(() -> {
            try {
                dropBox().keep(note.toMessage(settings.deviceId(), m.privateKey(), env.crypto(), clock));
            } catch (CryptoException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
            dropBox().leave(device, drop);
            return null;
        }, (v, e) -> e == null ? Muaa.Noop.INSTANCE : failedToLeave(drop, e));
    }

    /** Deletes our notes of {@code session} (a failure only leaves a note that ends at its deadline). */
    void forget(String session) {
        m.runBlocking(() -> {
            dropBox().forget(session);
            return null;
        }, (v, e) -> {
            if (e != null) LOG.info("cannot delete the pairing note of session {}: {}", session, e.toString());
            return Muaa.Noop.INSTANCE;
        });
    }

    // A resent ack or a repeated done may fail on its own (a later resend, a later repeated ack
    // retries); any other drop that cannot leave ends its session.
    private Muaa.Command failedToLeave(PairDrop drop, Throwable e) {
        if (drop.step().equals("ack") || drop.step().equals("done")) {
            LOG.info("cannot leave the {} drop of session {} now: {}", drop.step(), drop.session(), e.toString());
            return Muaa.Noop.INSTANCE;
        }
        return new Muaa.PairingFailed(drop.session(), "cannot leave the " + drop.step() + " drop: " + e.getMessage());
    }

    /**
     * At start: reads our pairing notes and resumes what they hold (an existing side waiting for its
     * ack, a new side resending it); notes that do not open with our key are deleted.
     */
    void resume(AccountState state) {
        m.runBlocking(() -> {
            watchDrops(state);
            List<PairingNote> notes = new ArrayList<>();
            DropBox box = dropBox();
            for (var msg : box.notes()) {
                try {
                    notes.add(PairingNote.open(msg, settings.deviceId(), m.privateKey(), env.crypto()));
                } catch (SmaFormatException | CryptoException e) {
                    LOG.warn("deleting a pairing note that does not open: {}", e.getMessage());
                    m.malformedDrops.increment();
                    box.discard(msg.uid());
                }
            }
            return new Muaa.NotesRead(notes, null);
        }, (v, e) -> e == null ? v : new Muaa.NotesRead(List.of(), e));
    }

    Effect<Object, AccountState> notesRead(AccountState state, Muaa.NotesRead c) {
        if (c.failure() != null) {
            // the notes end at their deadline: trying again for as long as the longest could live is enough
            boolean again = ++noteReads * firstNoteRetry().toMillis() < env.timing().pairingTimeout().toMillis();
            LOG.warn("cannot read this device's pairing notes{}: {}", again ? " (trying again)" : "; sessions open before the restart stay unfinished",
                    c.failure().toString());
            if (again) timers.startSingleTimer("pairing-notes", Muaa.ResumePairing.INSTANCE, firstNoteRetry());
            return m.Effect().none();
        }
        for (PairingNote n : c.notes()) {
            try {
                if (n.role() == PairingNote.Role.NEW) {
                    acks.restore(n, new PairDrop(settings.deviceId(), n.session(), "ack", n.first()));
                } else {
                    restoreExisting(state, n);
                }
            } catch (SmaFormatException | RuntimeException e) {
                LOG.warn("dropping pairing note {}: {}", n, e.getMessage());
                forget(n.session());
            }
        }
        return m.Effect().none();
    }

    private java.time.Duration firstNoteRetry() {
        return env.timing().dropPoll().multipliedBy(4);
    }

    private void restoreExisting(AccountState state, PairingNote n) throws SmaFormatException {
        DeviceRecord known = state.devices().get(n.peer());
        if (answering.containsKey(n.session())) return;
        if (clock.millis() >= n.deadline() || (known != null && known.status() != DeviceStatus.ANNOUNCED)) {
            forget(n.session()); // over, or the pairing was persisted before the crash (a repeated ack still gets its done)
            return;
        }
        ExistingSide x;
        try {
            x = ExistingSide.restored(n, env.crypto(), m.privateKey());
        } catch (CryptoException e) {
            throw new SmaFormatException(e.getMessage());
        }
        LOG.info("resuming pairing session {} of {}: waiting for its ack", x.session, x.newDevice);
        answering.put(x.session, x);
        sessionOpened();
        timers.startSingleTimer(x.session, new Muaa.PairingFailed(x.session, "pairing timed out"),
                java.time.Duration.ofMillis(Math.max(1, x.deadline - clock.millis())));
    }

    Effect<Object, AccountState> resendAck(Muaa.ResendAck c) {
        acks.resend(c.session());
        return m.Effect().none();
    }

    Effect<Object, AccountState> requestPairing(AccountState state, Muaa.RequestPairing c) {
        DeviceRecord self = state.devices().get(settings.deviceId());
        String error = env == null ? "this MUAA was created without an Environment"
                : self == null || self.name() == null ? "start the device before pairing"
                : m.liveness.retired(state).isPresent() ? m.liveness.retired(state).get()
                : !SmaFolders.isDeviceId(c.existingDeviceId()) || c.existingDeviceId().equals(settings.deviceId()) ? "not another device's id"
                : paired(state, c.existingDeviceId()) && paired(state, settings.deviceId()) ? "already paired with " + c.existingDeviceId()
                : acks.waitingFor(c.existingDeviceId()) ? "a pairing with " + c.existingDeviceId() + " is finishing" : null;
        if (error != null) return m.Effect().reply(c.started(), StatusReply.error(error));
        try {
            NewSide n = new NewSide(c.existingDeviceId(), c.method(), env.crypto(), m.privateKey());
            PairDrop request = n.request(self.name().value());
            asking.put(n.session, n);
            askingDone.put(n.session, c.done());
            sessionOpened();
            timers.startSingleTimer(n.session, new Muaa.PairingFailed(n.session, "pairing timed out"), env.timing().pairingTimeout());
            leave(c.existingDeviceId(), request);
            return m.Effect().reply(c.started(), StatusReply.success(new PairingOutcome.Started(n.session, n.qrPayload())));
        } catch (CryptoException e) {
            return m.Effect().reply(c.started(), StatusReply.error("pairing not started: " + e.getMessage()));
        }
    }

    Effect<Object, AccountState> enterCode(AccountState state, Muaa.EnterPairingCode c) {
        NewSide n = asking.get(c.sessionId());
        if (n == null) return m.Effect().reply(c.replyTo(), StatusReply.error("no pairing session " + c.sessionId()));
        try {
            progress(state, n, n.enterCode(c.code()), new ArrayList<>());
            return m.Effect().reply(c.replyTo(), StatusReply.success(c.sessionId()));
        } catch (CryptoException e) {
            abort(n.session, e.getMessage());
            return m.Effect().reply(c.replyTo(), StatusReply.error("pairing aborted: " + e.getMessage()));
        }
    }

    Effect<Object, AccountState> pollDrops(AccountState state) {
        if (polling) return m.Effect().none();
        polling = true;
        m.runBlocking(() -> {
            boolean watched = watchDrops(state); // again at each poll: a watch that could not start (offline) starts once the server is back
            return new Muaa.DropsTaken(dropBox().take(), watched, null);
        }, (v, e) -> e == null ? v : new Muaa.DropsTaken(List.of(), false, e));
        return m.Effect().none();
    }

    /** Work to do once a batch of events is persisted (replies, acks). */
    private interface Consumer extends java.util.function.Consumer<AccountState> {}

    Effect<Object, AccountState> dropsTaken(AccountState state, Muaa.DropsTaken c) {
        polling = false;
        pollLater(c.watched());
        if (c.failure() != null) {
            LOG.debug("cannot read pairing drops: {}", c.failure().toString());
            return m.Effect().none();
        }
        m.liveness.storeReached(); // a liveness check that failed offline runs again now
        resumeHeld(state);
        List<Object> events = new ArrayList<>();
        List<java.util.function.Consumer<AccountState>> after = new ArrayList<>();
        for (PairDrop d : c.drops()) {
            boolean repeatable = d.step().equals("ack") || d.step().equals("done"); // resent on purpose, handled idempotently
            if (!repeatable && !taken.add(d.author() + "/" + d.session() + "/" + d.step())) {
                LOG.debug("ignoring pairing drop {} taken before", d);
                continue;
            }
            NewSide n = asking.get(d.session());
            ExistingSide x = answering.get(d.session());
            try {
                if (d.step().equals("done")) {
                    after.add(acks.done(state, d, events));
                } else if (n != null && d.author().equals(n.existing)) {
                    after.add(progress(state, n, n.on(d), events));
                } else if (x != null && d.author().equals(x.newDevice)) {
                    after.add(answer(state, x, d, events));
                } else if (d.step().equals("ack")) {
                    repeatedAck(state, d);
                } else if (d.step().equals("request")) {
                    request(state, d);
                } else {
                    LOG.info("ignoring pairing drop {} of no open session", d);
                }
            } catch (CryptoException e) {
                abort(d.session(), e.getMessage());
            }
        }
        if (events.isEmpty()) {
            after.forEach(a -> a.accept(state));
            return m.Effect().none();
        }
        return m.Effect().persist(events).thenRun(s -> {
            m.reconcile(s);
            after.forEach(a -> a.accept(s));
        });
    }

    /**
     * New side: sends what the step produced; a learned state is persisted, then the ack is kept and
     * left, and the session waits for the existing device's done ({@link PendingAcks}).
     */
    private Consumer progress(AccountState state, NewSide n, NewSide.Progress p, List<Object> events) {
        if (p.send() != null) leave(n.existing, p.send());
        if (p.learned() == null) return s -> { };
        events.add(p.learned());
        asking.remove(n.session);
        timers.cancel(n.session);
        return s -> {
            try {
                acks.start(n.session, n.existing, n.ack(s), p.accountKey(), askingDone.remove(n.session));
            } catch (CryptoException e) {
                finishAsking(n.session, StatusReply.error("pairing aborted: " + e.getMessage()));
            }
        };
    }

    /**
     * Existing side: a drop of an open session. The drop carrying the account keys leaves only after
     * our note is kept; an ack that does not check out is ignored (the genuine one may follow); the
     * authenticated ack's state, DevicePaired and the new device's DeviceSeenActive are persisted together,
     * then done is answered.
     */
    private Consumer answer(AccountState state, ExistingSide x, PairDrop d, List<Object> events) throws CryptoException {
        PairDrop next;
        try {
            next = x.on(d, state);
        } catch (CryptoException e) {
            if (!d.step().equals("ack")) throw e;
            LOG.warn("ignoring an ack for pairing session {} that does not check out: {}", x.session, e.getMessage());
            return s -> { };
        }
        if (next != null) {
            if (x.keysSent()) keepThenLeave(x.note(), x.newDevice, next);
            else leave(x.newDevice, next);
            return s -> { };
        }
        events.add(x.acked);
        int dots = (int) events.stream().filter(e -> e instanceof AccountEvent).count();
        events.add(new DeviceEvent.DevicePaired(m.nextDot(state, dots), hlc.now(), x.newDevice, settings.deviceId()));
        // the ack is a sign of life: a sibling that learns the pairing must not count the new device silent
        // since its announcement, which may be older than expireAfter (docs/PROTOCOL.md, "Pairing drops")
        events.add(new DeviceEvent.DeviceSeenActive(m.nextDot(state, dots + 1), hlc.now(), x.newDevice, clock.millis()));
        answering.remove(x.session);
        timers.cancel(x.session);
        return s -> {
            LOG.info("paired device {} (session {})", x.newDevice, x.session);
            try {
                leaveDone(x.newDevice, ExistingSide.done(x.session, x.newDevice, x.request.device(), env.crypto(), m.privateKey()), true);
            } catch (CryptoException e) {
                LOG.warn("cannot make the done drop of session {} (a repeated ack asks again): {}", x.session, e.getMessage());
            }
        };
    }

    /** Existing side, no open session: an ack of a device we already have as paired is answered with done again; nothing is persisted. */
    private void repeatedAck(AccountState state, PairDrop d) throws CryptoException {
        if (donePending.contains(d.session())) {
            LOG.debug("ack of session {} repeated while our done waits for the upload", d.session());
            return;
        }
        DeviceRecord rec = state.devices().get(d.author());
        if (rec == null || rec.status() != DeviceStatus.PAIRED || rec.certificate() == null) {
            LOG.info("ignoring pairing drop {} of no open session", d);
            return;
        }
        var cert = env.crypto().readCertificate(rec.certificate().value().toByteArray());
        if (!ExistingSide.signedBy(d, cert, env.crypto(), m.privateKey())) {
            LOG.warn("ignoring an ack in the name of paired device {} that it did not sign", d.author());
            return;
        }
        LOG.info("device {} repeated its ack of session {}: answering done again", d.author(), d.session());
        leaveDone(d.author(), ExistingSide.done(d.session(), d.author(), cert, env.crypto(), m.privateKey()), false);
    }

    /**
     * Existing side: leaves {@code done} only once our journal up to now, {@code DevicePaired}
     * included, is confirmed on the server (docs/PROTOCOL.md, "Pairing drops"). Until then the
     * pairing lives in our local log only, and if this device vanished (a crash for good, a removal
     * by a sibling) the new device would count itself paired while no sibling ever learns it: its
     * entries would be skipped everywhere. Failed uploads are retried meanwhile; not confirmed within
     * {@link #DONE_UPLOAD_WAIT} (offline, a server down), done stays unsent and the new device's
     * repeated ack asks again. {@code forgetNote}: the pairing is persisted, so our note of the
     * session goes (a repeated ack is answered without it).
     */
    private void leaveDone(String device, PairDrop done, boolean forgetNote) {
        if (!donePending.add(done.session())) {
            LOG.debug("done of session {} already waits for our upload", done.session());
            return;
        }
        var uploaded = m.uploadedWithin(DONE_UPLOAD_WAIT);
        m.ctx.pipeToSelf(uploaded.thenApplyAsync(ok -> { // no thread waits for the upload
            try {
                if (!ok) throw new IllegalStateException("our DevicePaired is not confirmed on the server yet");
                dropBox().leave(device, done);
            } finally {
                if (forgetNote) dropBox().forget(done.session());
            }
            return Boolean.TRUE;
        }, m.blocking()), (v, e) -> {
            donePending.remove(done.session()); // on the actor's thread, as the adapted result arrives
            return e == null ? Muaa.Noop.INSTANCE : failedToLeave(done, Muaa.unwrap(e));
        });
    }

    private static boolean paired(AccountState state, String device) {
        DeviceRecord r = state.devices().get(device);
        return r != null && r.status() == DeviceStatus.PAIRED;
    }

    private void request(AccountState state, PairDrop d) throws CryptoException {
        DeviceRecord known = state.devices().get(d.author());
        String refusal = answering.size() >= 4 ? "too many pairing sessions open"
                : answering.values().stream().anyMatch(x -> x.newDevice.equals(d.author())) ? "a session with this device is open"
                : known != null && known.status() != DeviceStatus.ANNOUNCED ? "device is already " + known.status().name().toLowerCase()
                : state.currentKeyFingerprint().isEmpty() ? "this device holds no account key" : null;
        PairRequestBody body;
        try {
            body = PairRequestBody.verify(d.body(), d.author(), env.crypto());
        } catch (SmaFormatException e) {
            refusal = e.getMessage();
            body = null;
        }
        if (refusal != null) {
            m.refusedPairings.increment();
            LOG.warn("refusing pairing request {}: {}", d, refusal);
            return;
        }
        if (m.liveness.mayHaveBeenRetired(state)) {
            // paired by a device its siblings retired while it was away, the newcomer would be paired to nobody
            // else: they refuse what a retired device writes, its DevicePaired too (docs/PROTOCOL.md, "Back from an absence")
            if (held.size() < MAX_HELD) held.putIfAbsent(d, System.nanoTime());
            LOG.info("holding pairing request {}: this device was away and first checks whether it is still in the account", d);
            ctx.getSelf().tell(Muaa.LivenessTick.INSTANCE);
            sessionOpened();
            return;
        }
        ExistingSide x = new ExistingSide(d, body, env.crypto(), m.privateKey(), clock.millis() + env.timing().pairingTimeout().toMillis());
        answering.put(x.session, x);
        sessionOpened();
        timers.startSingleTimer(x.session, new Muaa.PairingFailed(x.session, "pairing timed out"), env.timing().pairingTimeout());
        if (body.method() == PairingMethod.QR) {
            ctx.pipeToSelf(env.approver().scanQr(x.asked()), (v, e) -> new Muaa.Approved(x.session, v == null ? null : v.orElse(null), e));
        } else {
            String code = env.crypto().pairing().newShortCode(10);
            ctx.pipeToSelf(env.approver().showCode(x.asked(), code), (v, e) -> new Muaa.Approved(x.session, Boolean.TRUE.equals(v) ? code : null, e));
        }
    }

    Effect<Object, AccountState> approved(AccountState state, Muaa.Approved c) {
        ExistingSide x = answering.get(c.session());
        if (x == null) return m.Effect().none();
        if (c.failure() != null || c.answer() == null) {
            abort(c.session(), c.failure() != null ? "approver failed: " + c.failure().getMessage() : "the user refused");
            return m.Effect().none();
        }
        try {
            PairDrop next;
            if (x.request.method() == PairingMethod.QR) {
                String fp = state.currentKeyFingerprint().orElseThrow(() -> new CryptoException.PairingAborted("no account key"));
                OpenPGPKey key = env.crypto().readKey(state.accountKeys().get(fp).secretKey().toByteArray());
                next = x.scanned((String) c.answer(), key, state);
            } else {
                next = x.codeShown((String) c.answer());
            }
            if (x.keysSent()) keepThenLeave(x.note(), x.newDevice, next);
            else leave(x.newDevice, next);
        } catch (CryptoException e) {
            abort(c.session(), e.getMessage());
        }
        return m.Effect().none();
    }

    /**
     * Ends a session on failure, counted on either side: nothing is persisted; the other side is told
     * (a hint only), and a note we kept for it is deleted. A new device that already sent its ack
     * ends only when its note's deadline passes ({@link PendingAcks#fail}).
     */
    void abort(String session, String reason) {
        timers.cancel(session);
        if (acks.fail(session, reason)) return;
        NewSide n = asking.remove(session);
        if (n != null) {
            m.refusedPairings.increment();
            LOG.warn("pairing session {} with {} aborted: {}", session, n.existing, reason);
            leave(n.existing, n.abort());
            finishAsking(session, StatusReply.error("pairing aborted: " + reason));
        }
        ExistingSide x = answering.remove(session);
        if (x != null) {
            m.refusedPairings.increment();
            LOG.warn("pairing session {} of {} aborted: {}", session, x.newDevice, reason);
            if (!reason.contains("aborted the pairing")) leave(x.newDevice, x.abort());
            if (x.keysSent()) forget(session);
        }
    }

    private void finishAsking(String session, StatusReply<PairingOutcome.Paired> reply) {
        asking.remove(session);
        timers.cancel(session);
        ActorRef<StatusReply<PairingOutcome.Paired>> done = askingDone.remove(session);
        if (done != null) done.tell(reply);
    }
}
