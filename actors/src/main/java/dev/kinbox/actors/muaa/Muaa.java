package dev.kinbox.actors.muaa;

import dev.kinbox.actors.mail.EventStamp;
import dev.kinbox.actors.muaa.PairingApprover.PairingMethod;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.journal.KinboxJournalRuntime;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaFormatException;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.ContactEvent;
import dev.kinbox.persistence.DeviceEvent;
import dev.kinbox.persistence.DeviceRecord;
import dev.kinbox.persistence.KeyEvent;
import dev.kinbox.persistence.KinboxCodec;
import dev.kinbox.persistence.SettingsEvent;
import dev.kinbox.persistence.crdt.Bytes;
import dev.kinbox.persistence.crdt.DeviceStatus;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.persistence.crdt.HybridClock;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-device MUAA: an event-sourced actor whose state is the device's {@link AccountState},
 * persisted on {@code kinbox.journal} under {@code sma|<accountId>|<deviceId>} with snapshots on
 * {@code kinbox.snapshot-store} every {@code snapshotEvery} events. Each command that changes
 * something persists events carrying the next dots of this device and HLC times from a
 * {@link HybridClock} over the injected {@link Clock}. The journal holds {@link AccountEvent}s and,
 * where a whole state was learned (a sibling's compacted snapshot, a pairing), that
 * {@link AccountState} itself, applied by {@link AccountState#join}.
 *
 * <p>With an {@link Environment} ({@link #create(Settings, Clock, Environment)}) it also runs the
 * device life cycle: {@link Start} (bootstrap of the first device or announcement of a later one,
 * on the real SMA folders), pairing ({@link RequestPairing}/{@link EnterPairingCode} on the new
 * device, {@link PairingApprover} on the existing one), and replication from exactly the devices
 * the state has as paired, whose certificates are also the journal's {@link MuaaKeyring}. Blocking
 * IMAP work runs on {@code kinbox.blocking-dispatcher}; pairing crypto runs on the actor's thread.
 */
public final class Muaa extends EventSourcedBehavior<Muaa.Command, Object, AccountState> {
    private static final Logger LOG = LoggerFactory.getLogger(Muaa.class);

    /** What the MUAA accepts; every public command answers through a {@link StatusReply}. */
    public sealed interface Command permits ChangeSetting, CreateContact, EditContact, RecordIncoming, GetState, GetDigest,
            Replicate, Merge, Start, RequestPairing, EnterPairingCode, GetStats, Watch, Internal {}

    /**
     * Sends {@code listener} the state after every change from now on (each persisted event or merged
     * state, own or replicated, in order), until it stops or {@code watch} is false. Replies with the
     * current state, so the listener starts from a known point.
     */
    public record Watch(ActorRef<AccountState> listener, boolean watch, ActorRef<StatusReply<AccountState>> replyTo)
            implements Command {}

    /** Create contact {@code contactId}; replies with the persisted event. */
    public record CreateContact(String contactId, ActorRef<StatusReply<AccountEvent>> replyTo) implements Command {}

    /** Set {@code field} of contact {@code contactId} to {@code value}; replies with the persisted event. */
    public record EditContact(String contactId, String field, String value, ActorRef<StatusReply<AccountEvent>> replyTo)
            implements Command {}

    /**
     * Record the events of one incoming mail: {@code prepare} is run inside the actor with the current
     * state and an {@link EventStamp} backed by this device's dots and HLC (typically a call of
     * {@code MailAutocrypt.onIncoming(raw, receivedAt, state, keys, stamp).events()}); its events are
     * persisted only if they carry exactly the stamped dots in order. Replies with the persisted
     * events (possibly none); a failure of {@code prepare} is a {@code StatusReply.error}.
     */
    public record RecordIncoming(Prepare prepare, ActorRef<StatusReply<List<AccountEvent>>> replyTo) implements Command {}

    /** Produces the events of one incoming mail from the state and a stamp (pure, no clock of its own). */
    @FunctionalInterface
    public interface Prepare {
        List<AccountEvent> events(AccountState state, EventStamp stamp) throws Exception;
    }

    /** Set {@code key} to {@code value}; replies with the persisted event. */
    public record ChangeSetting(String key, String value, ActorRef<StatusReply<AccountEvent>> replyTo) implements Command {}

    /** Reply with the current state. */
    public record GetState(ActorRef<StatusReply<AccountState>> replyTo) implements Command {}

    /** Reply with the SHA-256 of the canonical state encoding ({@link KinboxCodec#digest}). */
    public record GetDigest(ActorRef<StatusReply<byte[]>> replyTo) implements Command {}

    /** Reply with what this MUAA refused so far. */
    public record GetStats(ActorRef<StatusReply<LifecycleStats>> replyTo) implements Command {}

    /**
     * A sibling's event read from its journal through {@code kinbox.query}: applied and persisted in
     * our journal unless the state already contains its dot. Sent by the MUAA's own replication
     * streams; public only because commands are one sealed type.
     */
    public record Replicate(AccountEvent event) implements Command {}

    /** A sibling's whole state (its compacted snapshot or a state it learned): joined and persisted unless it adds nothing. */
    public record Merge(AccountState state) implements Command {}

    /**
     * Start the device life cycle (needs an {@link Environment}): a paired device refreshes its
     * announcement (at most every {@code announceEvery}) and replicates; a device that finds no other
     * device's announcement bootstraps the account (folders, account key - imported from
     * {@code setupMessage} when given - and its announcement); otherwise it announces itself and waits
     * to pair. {@code name} is the device's coarse name (1-100 characters).
     */
    public record Start(String name, Optional<KeyImport> setupMessage, ActorRef<StatusReply<StartOutcome>> replyTo) implements Command {}

    /** An Autocrypt Setup Message (raw mail) and its 36-digit Setup Code; the code is never logged. */
    public record KeyImport(byte[] mail, String setupCode) {
        @Override public String toString() { return "KeyImport[" + mail.length + " bytes, code hidden]"; }
    }

    /**
     * New device: ask {@code existingDeviceId} to pair. {@code started} gets the session id and, on the
     * QR path, the payload to show; {@code done} gets the result once the existing device sent the
     * account keys and this device persisted them (or an error: abort, timeout).
     */
    public record RequestPairing(String existingDeviceId, PairingMethod method, ActorRef<StatusReply<PairingOutcome.Started>> started,
                                 ActorRef<StatusReply<PairingOutcome.Paired>> done) implements Command {}

    /** New device, short-code path: the code the user read on the existing device. */
    public record EnterPairingCode(String sessionId, String code, ActorRef<StatusReply<String>> replyTo) implements Command {
        @Override public String toString() { return "EnterPairingCode[" + sessionId + ", code hidden]"; }
    }

    /** Messages the MUAA sends itself (results of blocking work, timers). */
    sealed interface Internal extends Command {}

    private record Discovered(Start start, Map<String, Announcement> others, OpenPGPKey newAccountKey, Throwable failure) implements Internal {}

    private record Replied(ActorRef<StatusReply<StartOutcome>> replyTo, StartOutcome outcome, Throwable failure) implements Internal {}

    private enum PollDrops implements Internal { INSTANCE }

    private enum Noop implements Internal { INSTANCE }

    private record DropsTaken(List<PairDrop> drops, Throwable failure) implements Internal {}

    private record Approved(String session, Object answer, Throwable failure) implements Internal {}

    private record PairingFailed(String session, String reason) implements Internal {}

    /** Where and how often: {@code snapshotEvery} must be positive. */
    public record Settings(String accountId, String deviceId, int snapshotEvery) {
        public Settings {
            if (snapshotEvery < 1) throw new IllegalArgumentException("snapshotEvery must be positive");
            try {
                SmaFolders.devicePersistenceId(accountId, deviceId);
            } catch (SmaFormatException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
    }

    private static final KinboxCodec CODEC = new KinboxCodec();
    private final Settings settings;
    private final Clock clock;
    private final HybridClock hlc;
    private final ActorContext<Command> ctx;
    private final Environment env;
    private final TimerScheduler<Command> timers;
    private final SiblingStreams streams;
    private final Set<String> fixedSiblings;
    private final LongAdder refusedAnnouncements = new LongAdder();
    private final LongAdder malformedDrops = new LongAdder();
    private final LongAdder refusedPairings = new LongAdder();
    private final Map<String, NewSide> asking = new HashMap<>();
    private final Map<String, ActorRef<StatusReply<PairingOutcome.Paired>>> askingDone = new HashMap<>();
    private final Map<String, ExistingSide> answering = new HashMap<>();
    private boolean polling;
    private final byte[] armoredKey;

    /** Edits only, no life cycle and no replication (the journal keyring is the caller's). */
    public static Behavior<Command> create(Settings settings, Clock clock) {
        return Behaviors.setup(ctx -> new Muaa(settings, clock, ctx, null, null, Set.of()));
    }

    /**
     * Replication from siblings named by the caller (their certificates must be in the journal's
     * keyring), no life cycle; kept for replication tests with a fixed keyring.
     */
    public static Behavior<Command> create(Settings settings, Clock clock, List<String> siblingDeviceIds) {
        return Behaviors.setup(ctx -> new Muaa(settings, clock, ctx, null, null, Set.copyOf(siblingDeviceIds)));
    }

    /**
     * The full device: life cycle, pairing and replication from the paired devices of the state.
     * {@code env.keyring()} must be the keyring handed to this ActorSystem's journal, and its device id
     * {@code settings.deviceId()}.
     */
    public static Behavior<Command> create(Settings settings, Clock clock, Environment env) {
        if (!env.keyring().deviceId().equals(settings.deviceId())) throw new IllegalArgumentException("keyring is another device's");
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Muaa(settings, clock, ctx, env, timers, Set.of())));
    }

    private Muaa(Settings settings, Clock clock, ActorContext<Command> ctx, Environment env, TimerScheduler<Command> timers,
                 Set<String> fixedSiblings) {
        super(PersistenceId.ofUniqueId(pid(settings)));
        this.settings = settings;
        this.clock = clock;
        this.hlc = new HybridClock(clock, settings.deviceId());
        this.ctx = ctx;
        this.env = env;
        this.timers = timers;
        this.fixedSiblings = fixedSiblings;
        this.streams = new SiblingStreams(ctx.getSystem(), ctx.getSelf(), settings.accountId(), settings.deviceId());
        try {
            this.armoredKey = env == null ? null : Crypto.armor(env.keyring().deviceKey()).getBytes(StandardCharsets.US_ASCII);
        } catch (CryptoException e) {
            throw new IllegalArgumentException("device key cannot be armored", e);
        }
    }

    private static String pid(Settings s) {
        try {
            return SmaFolders.devicePersistenceId(s.accountId(), s.deviceId());
        } catch (SmaFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override public String journalPluginId() { return "kinbox.journal"; }

    @Override public String snapshotPluginId() { return "kinbox.snapshot-store"; }

    @Override public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
    }

    @Override public AccountState emptyState() { return AccountState.EMPTY; }

    @Override public SignalHandler<AccountState> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), state -> {
                    reconcile(state);
                    if (env != null) timers.startTimerWithFixedDelay(PollDrops.INSTANCE, env.timing().dropPoll());
                })
                .onSignal(PostStop.instance(), state -> streams.stopAll())
                .build();
    }

    @Override public CommandHandler<Command, Object, AccountState> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(ChangeSetting.class, (state, c) -> persistOne(c.replyTo(),
                        () -> new SettingsEvent.SettingChanged(nextDot(state), hlc.now(), c.key(), c.value())))
                .onCommand(CreateContact.class, (state, c) ->
                        persistOne(c.replyTo(), () -> new ContactEvent.ContactCreated(nextDot(state), hlc.now(), c.contactId())))
                .onCommand(EditContact.class, (state, c) -> persistOne(c.replyTo(),
                        () -> new ContactEvent.ContactFieldChanged(nextDot(state), hlc.now(), c.contactId(), c.field(), c.value())))
                .onCommand(RecordIncoming.class, this::recordIncoming)
                .onCommand(Replicate.class, (state, c) -> state.context().contains(c.event().dot())
                        ? Effect().none() : Effect().persist((Object) c.event()).thenRun(this::reconcile))
                .onCommand(Merge.class, (state, c) -> addsNothing(state, c.state())
                        ? Effect().none() : Effect().persist((Object) c.state()).thenRun(this::reconcile))
                .onCommand(GetState.class, (state, c) -> Effect().reply(c.replyTo(), StatusReply.success(state)))
                .onCommand(GetDigest.class, (state, c) -> Effect().reply(c.replyTo(), StatusReply.success(CODEC.digest(state))))
                .onCommand(Watch.class, (state, c) -> {
                    if (c.watch()) watchers.add(c.listener());
                    else watchers.remove(c.listener());
                    return Effect().reply(c.replyTo(), StatusReply.success(state));
                })
                .onCommand(GetStats.class, (state, c) -> Effect().reply(c.replyTo(), StatusReply.success(new LifecycleStats(
                        refusedAnnouncements.sum(), malformedDrops.sum(), refusedPairings.sum()))))
                .onCommand(Start.class, this::start)
                .onCommand(Discovered.class, this::discovered)
                .onCommand(Replied.class, (state, c) -> Effect().reply(c.replyTo(),
                        c.failure() == null ? StatusReply.success(c.outcome()) : StatusReply.error(c.failure().getMessage())))
                .onCommand(RequestPairing.class, this::requestPairing)
                .onCommand(EnterPairingCode.class, this::enterCode)
                .onCommand(PollDrops.class, (state, c) -> pollDrops())
                .onCommand(Noop.class, (state, c) -> Effect().none())
                .onCommand(DropsTaken.class, this::dropsTaken)
                .onCommand(Approved.class, this::approved)
                .onCommand(PairingFailed.class, (state, c) -> {
                    abort(c.session(), c.reason());
                    return Effect().none();
                })
                .build();
    }

    @Override public EventHandler<AccountState, Object> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(AccountState.class, (state, s) -> published(state.join(s)))
                .onEvent(AccountEvent.class, (state, e) -> {
                    if (!e.origin().equals(settings.deviceId())) hlc.observe(e.time());
                    return published(state.apply(e));
                })
                .build();
    }

    private AccountState published(AccountState s) {
        if (env != null) env.keyring().update(s);
        for (ActorRef<AccountState> w : watchers) w.tell(s); // none during recovery: Watch is handled after it
        return s;
    }

    private final Set<ActorRef<AccountState>> watchers = new java.util.LinkedHashSet<>();

    private static boolean addsNothing(AccountState state, AccountState other) {
        return java.util.Arrays.equals(CODEC.digest(state), CODEC.digest(state.join(other)));
    }

    /** Streams from exactly the paired siblings (or the caller's fixed list). */
    private void reconcile(AccountState state) {
        if (env == null) {
            streams.reconcile(fixedSiblings);
            return;
        }
        Set<String> paired = new HashSet<>();
        for (var p : env.keyring().siblings()) paired.add(p.deviceId());
        DeviceRecord self = state.devices().get(settings.deviceId());
        if (self != null && self.status() == DeviceStatus.RETIRED) paired.clear();
        streams.reconcile(paired);
    }

    // ---- edits ----

    private Effect<Object, AccountState> persistOne(ActorRef<StatusReply<AccountEvent>> replyTo, Supplier<AccountEvent> make) {
        AccountEvent e;
        try {
            e = make.get();
        } catch (IllegalArgumentException bad) {
            return Effect().reply(replyTo, StatusReply.error(bad.getMessage()));
        }
        return Effect().persist((Object) e).thenReply(replyTo, s -> StatusReply.success(e));
    }

    private Effect<Object, AccountState> recordIncoming(AccountState state, RecordIncoming c) {
        List<Dot> handedOut = new ArrayList<>();
        EventStamp stamp = new EventStamp() {
            @Override public Dot nextDot() {
                Dot d = new Dot(settings.deviceId(), state.context().contiguous(settings.deviceId()) + 1 + handedOut.size());
                handedOut.add(d);
                return d;
            }

            @Override public Hlc now() {
                return hlc.now();
            }
        };
        List<AccountEvent> events;
        try {
            events = List.copyOf(c.prepare().events(state, stamp));
        } catch (Exception e) {
            return Effect().reply(c.replyTo(), StatusReply.error("incoming mail not recorded: " + e.getMessage()));
        }
        List<Dot> dots = events.stream().map(AccountEvent::dot).toList();
        if (!dots.equals(handedOut.subList(0, Math.min(handedOut.size(), dots.size()))) || dots.size() != handedOut.size()) {
            return Effect().reply(c.replyTo(), StatusReply.error("incoming events must carry exactly the stamped dots in order"));
        }
        if (events.isEmpty()) return Effect().reply(c.replyTo(), StatusReply.success(events));
        return Effect().persist(new ArrayList<Object>(events)).thenReply(c.replyTo(), s -> StatusReply.success(events));
    }

    private Dot nextDot(AccountState state) {
        return nextDot(state, 0);
    }

    private Dot nextDot(AccountState state, int ahead) {
        return new Dot(settings.deviceId(), state.context().contiguous(settings.deviceId()) + 1 + ahead);
    }

    // ---- start: bootstrap or announce ----

    private Executor blocking() {
        return ctx.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("kinbox.blocking-dispatcher"));
    }

    private KinboxJournalRuntime journal() {
        return KinboxJournalRuntime.get(ctx.getSystem().classicSystem());
    }

    private AnnouncementFolder announcements() {
        return new AnnouncementFolder(journal().mailStore(), env.crypto(), refusedAnnouncements);
    }

    private <T> void runBlocking(Supplier<T> work, java.util.function.BiFunction<T, Throwable, Command> then) {
        ctx.pipeToSelf(CompletableFuture.supplyAsync(work, blocking()), (v, e) -> then.apply(v, e == null ? null : unwrap(e)));
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private Effect<Object, AccountState> start(AccountState state, Start c) {
        if (env == null) return Effect().reply(c.replyTo(), StatusReply.error("this MUAA was created without an Environment"));
        if (c.name() == null || c.name().isBlank() || c.name().length() > 100) {
            return Effect().reply(c.replyTo(), StatusReply.error("device name must be 1-100 characters"));
        }
        String self = settings.deviceId();
        DeviceRecord rec = state.devices().get(self);
        if (rec != null && rec.status() == DeviceStatus.RETIRED) {
            return Effect().reply(c.replyTo(), StatusReply.success(new StartOutcome.Retired(self)));
        }
        if (rec != null && rec.status() == DeviceStatus.PAIRED) {
            StartOutcome running = new StartOutcome.Running(self, env.keyring().siblings().size());
            if (clock.millis() - rec.lastActive() < env.timing().announceEvery().toMillis()) {
                return Effect().reply(c.replyTo(), StatusReply.success(running));
            }
            long now = clock.millis();
            return Effect().persist((Object) new DeviceEvent.DeviceSeenActive(nextDot(state), hlc.now(), self, now))
                    .thenRun(s -> publish(c.name(), now, c.replyTo(), running));
        }
        runBlocking(() -> {
            Map<String, Announcement> others = new HashMap<>(announcements().read());
            others.remove(self);
            if (!others.isEmpty()) return new Discovered(c, others, null, null);
            try {
                OpenPGPKey key = c.setupMessage().isPresent()
                        ? env.crypto().setupMessages().importMessage(c.setupMessage().get().mail(), c.setupMessage().get().setupCode()).key()
                        : env.crypto().generateKey("<" + settings.accountId() + ">");
                return new Discovered(c, Map.of(), key, null);
            } catch (CryptoException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, (d, e) -> e != null ? new Discovered(c, Map.of(), null, e) : d);
        return Effect().none();
    }

    private Effect<Object, AccountState> discovered(AccountState state, Discovered d) {
        Start c = d.start();
        if (d.failure() != null) return Effect().reply(c.replyTo(), StatusReply.error("start failed: " + d.failure().getMessage()));
        String self = settings.deviceId();
        long now = clock.millis();
        List<Object> events = new ArrayList<>();
        if (!state.devices().containsKey(self)) {
            events.add(new DeviceEvent.DeviceAnnounced(nextDot(state, events.size()), hlc.now(), self,
                    Bytes.of(Announcement.encode(env.keyring().deviceKey())), c.name()));
        }
        StartOutcome outcome;
        if (d.newAccountKey() != null) {
            String fp = Crypto.fingerprint(d.newAccountKey());
            try {
                events.add(new KeyEvent.AccountKeyCreated(nextDot(state, events.size()), hlc.now(), fp,
                        Bytes.of(Crypto.armor(d.newAccountKey()).getBytes(StandardCharsets.US_ASCII))));
            } catch (CryptoException e) {
                return Effect().reply(c.replyTo(), StatusReply.error("account key cannot be stored: " + e.getMessage()));
            }
            events.add(new DeviceEvent.DevicePaired(nextDot(state, events.size()), hlc.now(), self, self));
            outcome = new StartOutcome.Bootstrapped(self, fp);
        } else {
            outcome = new StartOutcome.AwaitingPairing(self, new ArrayList<>(d.others().values()));
        }
        events.add(new DeviceEvent.DeviceSeenActive(nextDot(state, events.size()), hlc.now(), self, now));
        return Effect().persist(events).thenRun(s -> {
            reconcile(s);
            publish(c.name(), now, c.replyTo(), outcome);
        });
    }

    /** Appends our announcement (replacing older ones), then replies {@code outcome}. */
    private void publish(String name, long activeAt, ActorRef<StatusReply<StartOutcome>> replyTo, StartOutcome outcome) {
        Announcement a = Announcement.of(env.keyring().deviceKey(), name, activeAt);
        runBlocking(() -> {
            try {
                announcements().publish(a, privateKey(), clock);
                return outcome;
            } catch (CryptoException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, (o, e) -> new Replied(replyTo, o, e));
    }

    // ---- pairing ----

    /**
     * A copy of the device key for our own signing: Bouncy Castle's key objects cache lazily and are
     * not safe to use from two threads, and the journal signs and decrypts with the keyring's
     * instance on its own threads (seen as an intermittent "key cannot sign").
     */
    private OpenPGPKey privateKey() throws CryptoException {
        return env.crypto().readKey(armoredKey);
    }

    private DropBox dropBox() {
        return new DropBox(journal().mailStore(), settings.deviceId(), clock, malformedDrops);
    }

    private void leave(String device, PairDrop drop) {
        runBlocking(() -> {
            dropBox().leave(device, drop);
            return null;
        }, (v, e) -> e == null ? Noop.INSTANCE : new PairingFailed(drop.session(), "cannot leave the " + drop.step() + " drop: " + e.getMessage()));
    }

    private Effect<Object, AccountState> requestPairing(AccountState state, RequestPairing c) {
        DeviceRecord self = state.devices().get(settings.deviceId());
        String error = env == null ? "this MUAA was created without an Environment"
                : self == null || self.name() == null ? "start the device before pairing"
                : self.status() == DeviceStatus.RETIRED ? "this device was retired; pair again as a new device"
                : !SmaFolders.isDeviceId(c.existingDeviceId()) || c.existingDeviceId().equals(settings.deviceId()) ? "not another device's id"
                : state.devices().containsKey(c.existingDeviceId()) && state.devices().get(c.existingDeviceId()).status() == DeviceStatus.PAIRED
                        ? "already paired with " + c.existingDeviceId() : null;
        if (error != null) return Effect().reply(c.started(), StatusReply.error(error));
        try {
            NewSide n = new NewSide(c.existingDeviceId(), c.method(), env.crypto(), privateKey());
            PairDrop request = n.request(self.name().value());
            asking.put(n.session, n);
            askingDone.put(n.session, c.done());
            timers.startSingleTimer(n.session, new PairingFailed(n.session, "pairing timed out"), env.timing().pairingTimeout());
            leave(c.existingDeviceId(), request);
            return Effect().reply(c.started(), StatusReply.success(new PairingOutcome.Started(n.session, n.qrPayload())));
        } catch (CryptoException e) {
            return Effect().reply(c.started(), StatusReply.error("pairing not started: " + e.getMessage()));
        }
    }

    private Effect<Object, AccountState> enterCode(AccountState state, EnterPairingCode c) {
        NewSide n = asking.get(c.sessionId());
        if (n == null) return Effect().reply(c.replyTo(), StatusReply.error("no pairing session " + c.sessionId()));
        try {
            progress(state, n, n.enterCode(c.code()), new ArrayList<>());
            return Effect().reply(c.replyTo(), StatusReply.success(c.sessionId()));
        } catch (CryptoException e) {
            abort(n.session, e.getMessage());
            return Effect().reply(c.replyTo(), StatusReply.error("pairing aborted: " + e.getMessage()));
        }
    }

    private Effect<Object, AccountState> pollDrops() {
        if (polling) return Effect().none();
        polling = true;
        runBlocking(() -> dropBox().take(), DropsTaken::new);
        return Effect().none();
    }

    /** Work to do once a batch of events is persisted (replies, acks). */
    private interface Consumer extends java.util.function.Consumer<AccountState> {}

    private Effect<Object, AccountState> dropsTaken(AccountState state, DropsTaken c) {
        polling = false;
        if (c.failure() != null) {
            LOG.debug("cannot read pairing drops: {}", c.failure().toString());
            return Effect().none();
        }
        List<Object> events = new ArrayList<>();
        List<java.util.function.Consumer<AccountState>> after = new ArrayList<>();
        for (PairDrop d : c.drops()) {
            NewSide n = asking.get(d.session());
            ExistingSide x = answering.get(d.session());
            try {
                if (n != null && d.author().equals(n.existing)) {
                    after.add(progress(state, n, n.on(d), events));
                } else if (x != null && d.author().equals(x.newDevice)) {
                    PairDrop next = x.on(d, state);
                    if (next != null) leave(x.newDevice, next);
                    else after.add(acked(state, x, events));
                } else if (d.step().equals("request")) {
                    request(state, d);
                } else {
                    LOG.info("ignoring pairing drop {} of no open session", d);
                }
            } catch (CryptoException e) {
                abort(d.session(), e.getMessage());
            }
        }
        if (events.isEmpty()) return Effect().none();
        return Effect().persist(events).thenRun(s -> {
            reconcile(s);
            after.forEach(a -> a.accept(s));
        });
    }

    /** New side: sends what the step produced; a learned state is persisted, then acked and reported. */
    private Consumer progress(AccountState state, NewSide n, NewSide.Progress p, List<Object> events) {
        if (p.send() != null) leave(n.existing, p.send());
        if (p.learned() == null) return s -> { };
        events.add(p.learned());
        return s -> {
            try {
                leave(n.existing, n.ack(s));
                finishAsking(n.session, StatusReply.success(new PairingOutcome.Paired(n.session, n.existing, p.accountKey())));
            } catch (CryptoException e) {
                abort(n.session, e.getMessage());
            }
        };
    }

    /** Existing side: the authenticated ack arrived; its state and DevicePaired are persisted together. */
    private Consumer acked(AccountState state, ExistingSide x, List<Object> events) {
        events.add(x.acked);
        events.add(new DeviceEvent.DevicePaired(nextDot(state, (int) events.stream().filter(e -> e instanceof AccountEvent).count()),
                hlc.now(), x.newDevice, settings.deviceId()));
        answering.remove(x.session);
        timers.cancel(x.session);
        return s -> LOG.info("paired device {} (session {})", x.newDevice, x.session);
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
            refusedPairings.increment();
            LOG.warn("refusing pairing request {}: {}", d, refusal);
            return;
        }
        ExistingSide x = new ExistingSide(d, body, env.crypto(), privateKey());
        answering.put(x.session, x);
        timers.startSingleTimer(x.session, new PairingFailed(x.session, "pairing timed out"), env.timing().pairingTimeout());
        if (body.method() == PairingMethod.QR) {
            ctx.pipeToSelf(env.approver().scanQr(x.asked()), (v, e) -> new Approved(x.session, v == null ? null : v.orElse(null), e));
        } else {
            String code = env.crypto().pairing().newShortCode(10);
            ctx.pipeToSelf(env.approver().showCode(x.asked(), code), (v, e) -> new Approved(x.session, Boolean.TRUE.equals(v) ? code : null, e));
        }
    }

    private Effect<Object, AccountState> approved(AccountState state, Approved c) {
        ExistingSide x = answering.get(c.session());
        if (x == null) return Effect().none();
        if (c.failure() != null || c.answer() == null) {
            abort(c.session(), c.failure() != null ? "approver failed: " + c.failure().getMessage() : "the user refused");
            return Effect().none();
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
            leave(x.newDevice, next);
        } catch (CryptoException e) {
            abort(c.session(), e.getMessage());
        }
        return Effect().none();
    }

    /** Ends a session on failure: nothing is persisted; the other side is told (a hint only). */
    private void abort(String session, String reason) {
        timers.cancel(session);
        NewSide n = asking.remove(session);
        if (n != null) {
            LOG.warn("pairing session {} with {} aborted: {}", session, n.existing, reason);
            leave(n.existing, n.abort());
            finishAsking(session, StatusReply.error("pairing aborted: " + reason));
        }
        ExistingSide x = answering.remove(session);
        if (x != null) {
            refusedPairings.increment();
            LOG.warn("pairing session {} of {} aborted: {}", session, x.newDevice, reason);
            if (!reason.contains("aborted the pairing")) leave(x.newDevice, x.abort());
        }
    }

    private void finishAsking(String session, StatusReply<PairingOutcome.Paired> reply) {
        asking.remove(session);
        timers.cancel(session);
        ActorRef<StatusReply<PairingOutcome.Paired>> done = askingDone.remove(session);
        if (done != null) done.tell(reply);
    }
}
