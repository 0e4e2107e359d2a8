package dev.kinbox.actors.embed;

import dev.kinbox.actors.mail.DecryptedMail;
import dev.kinbox.actors.mail.IncomingResult;
import dev.kinbox.actors.mail.MailAutocrypt;
import dev.kinbox.actors.mail.MailSettings;
import dev.kinbox.actors.mail.OutgoingDecision;
import dev.kinbox.actors.mail.OutgoingPolicy;
import dev.kinbox.actors.muaa.Leave;
import dev.kinbox.actors.muaa.Muaa;
import dev.kinbox.actors.muaa.PairingApprover.PairingMethod;
import dev.kinbox.actors.muaa.PairingOutcome;
import dev.kinbox.actors.muaa.StartOutcome;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.KinboxJournalRuntime;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.PeerState;
import dev.kinbox.persistence.crdt.CausalContext;
import dev.kinbox.persistence.crdt.DeviceStatus;
import dev.kinbox.persistence.store.LocalLog;
import dev.kinbox.journal.query.KinboxReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.pattern.StatusReply;

/**
 * One running device of one account (from {@link Kinbox#start}). Every method returns at once; the
 * work happens on the device's actor and Kinbox's blocking pool, and the stage completes with the
 * result or fails with a {@link KinboxException} (or the MUAA's typed mail exceptions for mail
 * calls). Safe to use from any thread. {@link #close()} uploads what is pending (bounded), stops the
 * device and releases its state directory; the application closes its mail store afterwards.
 */
public final class KinboxDevice implements AutoCloseable {
    private static final Duration UPLOAD_ON_CLOSE = Duration.ofSeconds(10);

    private final KinboxConfig config;
    private final ActorSystem<?> system;
    private final boolean ownSystem;
    private final ActorRef<Muaa.Command> muaa;
    private final LocalLog log;
    private final Executor blocking;
    private final MailAutocrypt mail;
    private final String deviceId;
    private final List<ActorRef<?>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Completes once closed, with whether the pending uploads were confirmed in time. */
    private final CompletableFuture<Boolean> closedFuture = new CompletableFuture<>();
    private volatile StartOutcome startOutcome;

    KinboxDevice(KinboxConfig config, ActorSystem<?> system, boolean ownSystem, String deviceId, ActorRef<Muaa.Command> muaa,
                 LocalLog log, Crypto crypto, Executor blocking) {
        this.config = config;
        this.system = system;
        this.ownSystem = ownSystem;
        this.muaa = muaa;
        this.log = log;
        this.blocking = blocking;
        this.mail = new MailAutocrypt(crypto, config.clock(), MailSettings.of(config.accountId()));
        this.deviceId = deviceId;
    }

    KinboxDevice started(StartOutcome outcome) {
        this.startOutcome = outcome;
        return this;
    }

    /** This device's id (16 hex digits, from its key). */
    public String deviceId() { return deviceId; }

    /** What happened at start: bootstrapped the account, running (paired), awaiting pairing, or retired. */
    public StartOutcome startOutcome() { return startOutcome; }

    /**
     * Why this device may no longer work in its account - a sibling removed it, or retired it after a
     * long silence, or it left - or empty while it may. A running device learns it from the notice its
     * sibling leaves; from then on it reads and writes nothing more and refuses edits with this
     * reason. Show it to the user, who pairs the device again as a new one.
     */
    public CompletionStage<java.util.Optional<String>> retirement() {
        return ask(Muaa.GetRetirement::new);
    }

    /**
     * Runs the liveness check now rather than at its next period: reads the account's notices and
     * announcements, refreshes this device if a refresh is due, and retires siblings silent past the
     * expiry or removed. Completes once what it found is persisted; fails if the server could not be read.
     * Call it when the app comes to the foreground or the network comes back: a device in use only in
     * short spells whose periodic checks all fell asleep would otherwise look silent to its siblings.
     */
    public CompletionStage<Void> checkLiveness() {
        return this.<org.apache.pekko.Done>ask(Muaa.CheckLiveness::new).thenApply(done -> null);
    }

    // ---- pairing ----

    /** A pairing this (new) device asked for: how it started (QR payload to show, or a session to enter the code for) and its end. */
    public record PairingSession(PairingOutcome.Started started, CompletionStage<PairingOutcome.Paired> done) {}

    /**
     * Asks the paired device {@code existingDeviceId} (one of {@link StartOutcome.AwaitingPairing#others()})
     * to pair this one. With {@code QR}, show {@code started().qrPayload()} for the other device to scan; with
     * {@code CODE}, the other device shows a code the user types into {@link #enterPairingCode}.
     */
    public CompletionStage<PairingSession> pair(String existingDeviceId, PairingMethod method) {
        CompletableFuture<PairingOutcome.Paired> done = new CompletableFuture<>();
        ActorRef<StatusReply<PairingOutcome.Paired>> doneRef = replyActor(done);
        return this.<PairingOutcome.Started>ask(r -> new Muaa.RequestPairing(existingDeviceId, method, r, doneRef))
                .thenApply(started -> new PairingSession(started, done));
    }

    /** The short code the user read on the existing device, for the session {@link #pair} started. */
    public CompletionStage<String> enterPairingCode(String sessionId, String code) {
        return ask(r -> new Muaa.EnterPairingCode(sessionId, code, r));
    }

    /**
     * Removes another device of the account at once: it is retired, its announcement deleted and
     * nothing new is encrypted to it (its folder goes once it has been silent past the expiry, for
     * siblings away meanwhile). Replies with its id. This device's own id is refused: see {@link #leave}.
     */
    public CompletionStage<String> remove(String otherDeviceId) {
        return ask(r -> new Muaa.RemoveDevice(otherDeviceId, r));
    }

    // ---- edits and state ----

    public CompletionStage<AccountEvent> changeSetting(String key, String value) {
        return ask(r -> new Muaa.ChangeSetting(key, value, r));
    }

    public CompletionStage<AccountEvent> createContact(String contactId) {
        return ask(r -> new Muaa.CreateContact(contactId, r));
    }

    public CompletionStage<AccountEvent> editContact(String contactId, String field, String value) {
        return ask(r -> new Muaa.EditContact(contactId, field, value, r));
    }

    /** The account state as this device holds it now (immutable). */
    public CompletionStage<AccountState> state() {
        return ask(Muaa.GetState::new);
    }

    /** The Autocrypt peer keyring: peer address to its Level 1 state (immutable). */
    public CompletionStage<Map<String, PeerState>> keyring() {
        return state().thenApply(s -> Map.copyOf(s.peers()));
    }

    /**
     * Calls {@code listener} with the current state and then after every change (own edits, incoming
     * mail, siblings' edits), in order, on one of Kinbox's threads (return quickly). Close the returned
     * handle to stop.
     */
    public CompletionStage<AutoCloseable> addListener(Consumer<AccountState> listener) {
        ActorRef<AccountState> adapter = system.systemActorOf(Behaviors.receive(AccountState.class)
                .onMessage(AccountState.class, s -> {
                    listener.accept(s);
                    return Behaviors.same();
                }).build(), "kinbox-listener-" + deviceId + "-" + java.util.UUID.randomUUID(), Props.empty());
        listeners.add(adapter);
        return this.<AccountState>ask(r -> new Muaa.Watch(adapter, true, r)).thenApply(initial -> {
            adapter.tell(initial);
            return (AutoCloseable) () -> stopListener(adapter);
        });
    }

    /**
     * Waits until this device holds everything its paired siblings have on the server right now
     * (their folders are read once; the device's own replication applies what it finds), or until
     * {@code timeout}. True when caught up; false too when a sibling's folder could not be read (the
     * server failed the read). For one-shot tools that report right after starting; a running device
     * catches up by itself.
     */
    public CompletionStage<Boolean> catchUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        KinboxReadJournal query = PersistenceQuery.get(system.classicSystem())
                .getReadJournalFor(KinboxReadJournal.class, KinboxReadJournal.IDENTIFIER);
        return state().thenCompose(s -> {
            CompletableFuture<CausalContext> wanted = CompletableFuture.completedFuture(CausalContext.EMPTY);
            for (var e : s.devices().entrySet()) {
                if (e.getKey().equals(deviceId) || e.getValue().status() != DeviceStatus.PAIRED) continue;
                String pid;
                try {
                    pid = SmaFolders.devicePersistenceId(config.accountId(), e.getKey());
                } catch (dev.kinbox.journal.sma.SmaFormatException bad) {
                    continue;
                }
                CompletableFuture<CausalContext> one = query.currentEventsByPersistenceId(deviceId, pid, 0L, Long.MAX_VALUE)
                        .runFold(CausalContext.EMPTY, KinboxDevice::covered, system).toCompletableFuture()
                        .exceptionally(failed -> null); // the server failed the read: not caught up
                wanted = wanted.thenCombine(one, (a, b) -> a == null || b == null ? null : a.join(b));
            }
            return wanted;
        }).thenCompose(wanted -> wanted == null ? CompletableFuture.completedFuture(false) : holds(wanted, deadline));
    }

    /**
     * What the journal folder of device {@code ofDeviceId} (this device or a sibling) holds on the
     * server now, read, verified and opened by this device as replication reads it (entries it cannot
     * open are skipped and counted): events in order, a compacted stretch as the author's
     * {@link dev.kinbox.journal.query.SiblingSnapshot}. For tools that inspect an account
     * ({@code kinbox replay --imap}); fails when {@code ofDeviceId} is not a device id.
     */
    public CompletionStage<List<org.apache.pekko.persistence.query.EventEnvelope>> readJournal(String ofDeviceId) {
        String pid;
        try {
            pid = SmaFolders.devicePersistenceId(config.accountId(), ofDeviceId);
        } catch (dev.kinbox.journal.sma.SmaFormatException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(e.getMessage(), e));
        }
        return PersistenceQuery.get(system.classicSystem()).getReadJournalFor(KinboxReadJournal.class, KinboxReadJournal.IDENTIFIER)
                .currentEventsByPersistenceId(deviceId, pid, 0L, Long.MAX_VALUE)
                .runWith(org.apache.pekko.stream.javadsl.Sink.seq(), system);
    }

    private static CausalContext covered(CausalContext acc, org.apache.pekko.persistence.query.EventEnvelope env) {
        Object e = env.event();
        if (e instanceof dev.kinbox.journal.query.SiblingSnapshot snap) e = snap.snapshot();
        if (e instanceof AccountEvent ev) return acc.add(ev.dot());
        if (e instanceof AccountState st) return acc.join(st.context());
        return acc;
    }

    private CompletionStage<Boolean> holds(CausalContext wanted, long deadlineNanos) {
        return state().thenCompose(s -> {
            if (s.context().join(wanted).equals(s.context())) return CompletableFuture.completedFuture(true);
            if (System.nanoTime() > deadlineNanos) return CompletableFuture.completedFuture(false);
            return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(50, java.util.concurrent.TimeUnit.MILLISECONDS))
                    .thenCompose(x -> holds(wanted, deadlineNanos));
        });
    }

    // ---- mail ----

    /**
     * Processes one received mail (raw RFC 5322): Autocrypt and gossip headers update the peer keyring,
     * and the change replicates to every sibling. {@code receivedAt} should be the IMAP INTERNALDATE.
     * Malformed mail changes nothing and fails the stage with {@code MailProcessingException.Malformed}.
     */
    public CompletionStage<IncomingResult> receive(byte[] raw, Instant receivedAt) {
        AtomicReference<IncomingResult> result = new AtomicReference<>();
        return this.<List<AccountEvent>>ask(r -> new Muaa.RecordIncoming((state, stamp) -> {
            IncomingResult res = mail.onIncoming(raw, receivedAt, state, mail.accountKeys(state), stamp);
            result.set(res);
            return res.events();
        }, r)).thenApply(events -> result.get());
    }

    /**
     * Decides and builds one outgoing mail: the recommendation for its recipients, our Autocrypt header
     * (and gossip when encrypting to several), encrypted and signed when recommended or when
     * {@code policy} asks; the decision says why.
     */
    public CompletionStage<OutgoingDecision> prepareOutgoing(MimeMessage draft, OutgoingPolicy policy) {
        return state().thenApplyAsync(s -> {
            try {
                return mail.prepareOutgoing(draft, s, mail.accountKeys(s), policy);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, blocking);
    }

    /** Decrypts a PGP/MIME mail with any account key this device holds, current or older. */
    public CompletionStage<DecryptedMail> decrypt(byte[] raw) {
        return state().thenApplyAsync(s -> {
            try {
                return mail.decrypt(raw, s, mail.accountKeys(s));
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, blocking);
    }

    // ---- life ----

    /**
     * Uploads what is pending (up to 10 s; the rest uploads at the next start), stops the device,
     * closes its local log and, for a device started with its own ActorSystem, that system. Idempotent.
     */
    @Override public void close() {
        closeAsync().toCompletableFuture().join();
    }

    /** {@link #close()} without blocking the caller. */
    public CompletionStage<Void> closeAsync() {
        return shutdown(UPLOAD_ON_CLOSE).thenApply(uploaded -> null);
    }

    /**
     * For a device that will not run again (the application is uninstalled, the device given away):
     * first reads every paired sibling's folder to its end and applies it, so that what only this
     * device could still pass on is passed on - an entry a sibling sealed before it knew of a device
     * paired since is relayed ("Relay" in docs/PROTOCOL.md) -, then closes as {@link #close()} does.
     * Then, when it has a paired sibling, it leaves the account: it retires itself (docs/PROTOCOL.md,
     * "Removal and expiry": {@code DeviceRetired} of itself in its journal, a notice {@code left} for
     * siblings that read it later - both once all it wrote before is on the server), so its siblings stop encrypting to it and retire it as soon as
     * they read either - each reading its folder to its end first, so its last edits are not lost.
     * Once retired it waits, up to {@code timeout} again, until a sibling shows it read the retirement
     * (its signed roll lists this device), meanwhile uploading again what the server lost of it: a
     * provider that withheld it from every sibling would otherwise keep them from learning it until the
     * expiry (a sibling offline all that time learns it when it reads the journal or the notice).
     * Completes, within about twice {@code timeout} (plus up to 5 s for what it wrote, its retirement last, to reach the server),
     * with true when every sibling's folder was read, the retirement is on the server and everything
     * this device holds is too; false when not (offline, or out of time): what was not uploaded stays
     * in the state directory, and is lost if that is deleted; a retirement not on the server goes
     * with the next start, and without one the siblings retire the device once it has been silent
     * past the expiry. Before 2026-12-05 a device that left stayed in the account until a sibling
     * removed it or it expired. A device already closed fails with {@link KinboxException.Closed}.
     */
    public CompletionStage<Boolean> leave(Duration timeout) {
        if (closed.get()) return CompletableFuture.failedFuture(new KinboxException.Closed());
        long deadline = System.nanoTime() + timeout.toNanos() * 2; // the catch-up, then the wait for a sibling to read the leave
        return Leave.run(muaa, deviceId, timeout, timeout, system.scheduler()).thenCompose(left -> shutdown(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))
                .plusSeconds(1)).thenApply(uploaded -> left.confirmed() && uploaded));
    }

    /**
     * Stops the MUAA first, so nothing new is written, then waits (up to {@code uploadWait}) for its
     * uploads - twice with a pause, as a snapshot it just asked for may still be on its way to the local
     * log -, then releases the log and, if owned, the system. Completes with whether the uploads were
     * confirmed. Only the first call does this; later ones get its result.
     */
    private CompletionStage<Boolean> shutdown(Duration uploadWait) {
        if (!closed.compareAndSet(false, true)) return closedFuture;
        for (ActorRef<?> l : listeners) stopListener(l);
        stopped().thenApplyAsync(v -> {
            try {
                String pid = SmaFolders.devicePersistenceId(config.accountId(), deviceId);
                KinboxJournalRuntime rt = KinboxJournalRuntime.get(system.classicSystem());
                long deadline = System.nanoTime() + uploadWait.toNanos();
                rt.awaitUploaded(pid, uploadWait);
                Thread.sleep(300);
                return rt.awaitUploaded(pid, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            } catch (Exception e) {
                return false; // offline or interrupted: the backlog stays in the local log and uploads at the next start
            }
        }, blocking).whenComplete((uploaded, e) -> {
            KinboxJournalRuntime.get(system.classicSystem()).removeDevice(deviceId);
            log.close();
            if (ownSystem) system.terminate();
            closedFuture.complete(e == null && uploaded);
        });
        return closedFuture;
    }

    <T> CompletionStage<T> ask(Function<ActorRef<StatusReply<T>>, Muaa.Command> make) {
        if (closed.get()) return CompletableFuture.failedFuture(new KinboxException.Closed());
        return AskPattern.ask(muaa, make, Kinbox.ASK, system.scheduler()).thenCompose(reply -> reply.isSuccess()
                ? CompletableFuture.completedFuture(reply.getValue())
                : CompletableFuture.<T>failedFuture(new KinboxException.Refused(reply.getError().getMessage())));
    }

    /** An actor that completes {@code f} with the first reply (for replies that come long after the request). */
    private <T> ActorRef<StatusReply<T>> replyActor(CompletableFuture<T> f) {
        Behavior<StatusReply<T>> once = Behaviors.receive((org.apache.pekko.actor.typed.javadsl.ActorContext<StatusReply<T>> ctx, StatusReply<T> r) -> {
            if (r.isSuccess()) f.complete(r.getValue());
            else f.completeExceptionally(new KinboxException.Refused(r.getError().getMessage()));
            return Behaviors.stopped();
        });
        return system.systemActorOf(once, "kinbox-reply-" + java.util.UUID.randomUUID(), Props.empty());
    }

    private void stopListener(ActorRef<?> adapter) {
        if (!listeners.remove(adapter)) return;
        @SuppressWarnings("unchecked") ActorRef<AccountState> l = (ActorRef<AccountState>) adapter;
        muaa.tell(new Muaa.Watch(l, false, system.ignoreRef()));
        system.classicSystem().stop(Adapter.toClassic(adapter));
    }

    /** Stops the MUAA and completes when it has terminated. */
    private CompletionStage<Void> stopped() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        system.systemActorOf(Behaviors.<Void>setup(ctx -> {
            ctx.watch(muaa);
            system.classicSystem().stop(Adapter.toClassic(muaa));
            return Behaviors.receive(Void.class).onSignal(Terminated.class, t -> {
                done.complete(null);
                return Behaviors.stopped();
            }).build();
        }), "kinbox-stop-" + deviceId + "-" + java.util.UUID.randomUUID(), Props.empty());
        return done.orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).exceptionally(e -> null);
    }
}
