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
import dev.kinbox.persistence.KinboxCodec;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.HybridClock;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
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
    /**
     * The account setting that makes a removal or an expiry also rotate the account key (value
     * {@code true}; docs/PROTOCOL.md, "Removal and expiry"): the retiring device creates a new account
     * key and revokes the current one for new mail, after the retirement, so the retired device never
     * receives the new key.
     */
    public static final String ROTATE_KEY_ON_REMOVAL = "kinbox.rotate-key-on-removal";

    /** What the MUAA accepts; every public command answers through a {@link StatusReply}. */
    public sealed interface Command permits ChangeSetting, CreateContact, EditContact, RecordIncoming, GetState, GetDigest,
            Replicate, Merge, Start, RequestPairing, EnterPairingCode, RemoveDevice, AwaitLeaveRead, GetStats, GetRetirement, CheckLiveness, Watch, CheckDrops,
            CatchUp, Internal {}

    /**
     * Before this device goes away for good (an orderly leave, an uninstall): reads every paired
     * sibling's folder to its end and applies it, as its live streams would, so that what only it could
     * still pass on is passed on - an entry a sibling sealed before it knew of a device paired since is
     * relayed by the reader ("Relay" in docs/PROTOCOL.md), and a sibling that left meanwhile may have no
     * other reader. Replies, after {@code timeout} at the latest, with how many siblings' folders could
     * not be read to their end (0 normally); the caller then waits for its uploads
     * ({@code KinboxJournalRuntime.awaitUploaded}) before it stops the device.
     */
    public record CatchUp(java.time.Duration timeout, ActorRef<StatusReply<Integer>> replyTo) implements Command {}

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
     * Reply with why this device may no longer work in its account - a sibling's retirement notice it
     * trusted (removed, or expired as silent), or its own state having it retired - or empty while it
     * may. A device that learnt it was retired from a notice still has itself as paired in its state
     * (it can no longer read the journal that says otherwise), so this is the one place that tells.
     */
    public record GetRetirement(ActorRef<StatusReply<java.util.Optional<String>>> replyTo) implements Command {}

    /**
     * Run the liveness check now, as the periodic one does (read the account's announcements and notices,
     * refresh this device if due, retire silent or removed siblings), and reply once it has been acted on:
     * what it found persisted, or why it failed. A check already running is joined. For an app that comes to
     * the foreground (its periodic check may have fallen in its time asleep), and for the simulator's settle.
     */
    public record CheckLiveness(ActorRef<StatusReply<Done>> replyTo) implements Command {}

    /**
     * A sibling's event read from its journal through {@code kinbox.query}: applied and persisted in
     * our journal unless the state already contains its dot; {@code applied} is told once it is
     * persisted or known (the stream asks, so nothing it read is lost to a full stash or a failed
     * persist). Sent by the MUAA's own replication streams; public only because commands are one
     * sealed type. {@code notSealedTo}: this device's siblings the event's journal entry was not sealed
     * to (set on an entry's last event; usually empty) - this device relays what it learns to them.
     */
    public record Replicate(AccountEvent event, Set<String> notSealedTo, ActorRef<Done> applied) implements Command {
        public Replicate {
            notSealedTo = Set.copyOf(notSealedTo);
        }
    }

    /**
     * A sibling's whole state (its compacted snapshot or a state it learned): joined and persisted
     * unless it adds nothing. {@code applied} is told once it is persisted or found to add nothing.
     * {@code notSealedTo}: as for {@link Replicate} (a merge that adds something is then uploaded).
     */
    public record Merge(AccountState state, Set<String> notSealedTo, ActorRef<Done> applied) implements Command {
        public Merge {
            notSealedTo = Set.copyOf(notSealedTo);
        }

        /** A state every sibling of this device could read where it came from. */
        public Merge(AccountState state, ActorRef<Done> applied) {
            this(state, Set.of(), applied);
        }
    }

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
     * QR path, the payload to show; {@code done} gets the result once the pairing is complete on both
     * sides: this device persisted the account keys and the existing device answered that it persisted
     * this device as paired (docs/PROTOCOL.md, "Pairing drops"); or an error: abort, timeout (the
     * existing device's answer did not come within {@code pairingTimeout} of the ack).
     */
    public record RequestPairing(String existingDeviceId, PairingMethod method, ActorRef<StatusReply<PairingOutcome.Started>> started,
                                 ActorRef<StatusReply<PairingOutcome.Paired>> done) implements Command {}

    /** New device, short-code path: the code the user read on the existing device. */
    public record EnterPairingCode(String sessionId, String code, ActorRef<StatusReply<String>> replyTo) implements Command {
        @Override public String toString() { return "EnterPairingCode[" + sessionId + ", code hidden]"; }
    }

    /**
     * Retire device {@code deviceId} at once (docs/PROTOCOL.md, "Removal and expiry"): persists
     * {@code DeviceRetired}, so nothing new is encrypted to it and its later entries are refused, then
     * publishes a signed retirement notice and deletes its folder and announcement. Replies with the
     * device id once the retirement is persisted and the clean-up was tried (a failed clean-up is
     * retried by the periodic check). This device's own id is refused unless {@code evenThisDevice}:
     * then this device leaves the account (its siblings retire it when they read the notice) and
     * stops working in it. Removing a retired device again only repeats the clean-up.
     */
    public record RemoveDevice(String deviceId, boolean evenThisDevice, ActorRef<StatusReply<String>> replyTo) implements Command {
        /** Remove another device; this device's own id is refused. */
        public RemoveDevice(String deviceId, ActorRef<StatusReply<String>> replyTo) {
            this(deviceId, false, replyTo);
        }
    }

    /**
     * After this device left ({@link RemoveDevice} of its own id): waits, at most {@code timeout}, until a paired
     * sibling shows it read the leave - a trusted roll of that sibling lists this device (docs/PROTOCOL.md,
     * "Removal and expiry"). Meanwhile it uploads again what the server lost of its journal and appends its
     * notice again when it is gone, so a provider that withholds the leave has to keep doing so while the
     * device waits. Replies true once a sibling did, false when the wait ran out (its siblings then learn it
     * from its journal or notice when they read them, or once it has been silent past the expiry); an error
     * when this device has not left.
     */
    public record AwaitLeaveRead(java.time.Duration timeout, ActorRef<StatusReply<Boolean>> replyTo) implements Command {}

    /**
     * Look for pairing drops now rather than at the next {@code Timing.dropPoll}. A started device
     * already does when the watch on its folder sees pairing drops come in
     * ({@code KinboxJournalRuntime.watchPairingDrops}); an app sends this while its pairing screen is
     * open as well, for a watch that could not start or a server slow to report. Answers nothing; a
     * look already under way is not repeated.
     */
    public enum CheckDrops implements Command { INSTANCE }

    /** Messages the MUAA sends itself (results of blocking work, timers). */
    sealed interface Internal extends Command {}

    /** {@code unannounced}: with a new account key, the other device folders found without a valid announcement. */
    record Discovered(Start start, Map<String, Announcement> others, OpenPGPKey newAccountKey, List<String> unannounced, Throwable failure)
            implements Internal {}

    record Replied(ActorRef<StatusReply<StartOutcome>> replyTo, StartOutcome outcome, Throwable failure) implements Internal {}

    enum PollDrops implements Internal { INSTANCE }

    enum Noop implements Internal { INSTANCE }

    record DropsTaken(List<PairDrop> drops, boolean watched, Throwable failure) implements Internal {}

    record Approved(String session, Object answer, Throwable failure) implements Internal {}

    record PairingFailed(String session, String reason) implements Internal {}

    record ResendAck(String session) implements Internal {}

    enum ResumePairing implements Internal { INSTANCE }

    record NotesRead(List<PairingNote> notes, Throwable failure) implements Internal {}

    enum LivenessTick implements Internal { INSTANCE }

    /**
     * What a liveness check read, beginning at {@code readAt} (this device's clock): the silence of the
     * devices it is about is judged at that time, also when the check runs again after a catch-up.
     */
    record Checked(long readAt, AnnouncementFolder.Contents contents, Set<String> folders, Throwable failure) implements Internal {}

    /**
     * A check whose devices to retire had their folders read to their end, but for {@code unread} (the
     * attempt gave up): retire them now, those in {@code unread} only once their folders' time is up.
     */
    record CheckCaughtUp(Checked checked, Set<String> unread) implements Internal {}

    record StartChecked(Start start, AnnouncementFolder.Contents contents, Throwable failure) implements Internal {}

    record Rotated(String fingerprint, byte[] armoredKey, String revoke, Throwable failure) implements Internal {}
    /** A removal whose target's folder was read to its end (or the attempt gave up): retire it now. */
    record RemoveCaughtUp(RemoveDevice remove) implements Internal {}

    /** A leave looks again whether all this device wrote is on the server, until {@code deadlineNanos} ({@code System.nanoTime()}). */
    record LeaveUploaded(RemoveDevice remove, long deadlineNanos) implements Internal {}

    /** A leave's notice went up ({@code failure} null) or failed; the leave goes on to the retirement. */
    record LeaveNoticed(RemoveDevice remove, long deadlineNanos, Throwable failure) implements Internal {}

    /** Time for a leaver waiting for a sibling to read its leave to look again. */
    enum LeaveLook implements Internal { INSTANCE }

    /** What a waiting leaver's look found: the sibling whose roll lists it, or null. */
    record LeaveLooked(String readBy, Throwable failure) implements Internal {}

    /** A returning device's refresh is on the server ({@code ok}), or the wait for it timed out. */
    record ReturnUploaded(boolean ok) implements Internal {}

    /** A sibling's stream ended ({@code failure} null when it completed or was stopped). */
    record SiblingStreamEnded(String sibling, long generation, Throwable failure) implements Internal {}

    /** A failed sibling stream's back-off is over. */
    record RestartSiblingStream(String sibling, long generation) implements Internal {}

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
    final Settings settings;
    final Clock clock;
    final HybridClock hlc;
    final ActorContext<Command> ctx;
    final Environment env;
    final TimerScheduler<Command> timers;
    private final SiblingStreams streams;
    private final Set<String> fixedSiblings;
    final LongAdder refusedAnnouncements = new LongAdder();
    private final Set<Long> refusedAnnouncementUids = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final LongAdder malformedDrops = new LongAdder();
    final LongAdder refusedPairings = new LongAdder();
    private final byte[] armoredKey;
    private final Edits edits;
    final Bootstrap bootstrap;
    final PairingSessions pairing;
    final Liveness liveness;
    private final LeaveConfirmation leaveConfirmation;

    /** Edits only, no life cycle and no replication (the journal keyring is the caller's). */
    public static Behavior<Command> create(Settings settings, Clock clock) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Muaa(settings, clock, ctx, null, timers, Set.of())));
    }

    /**
     * Replication from siblings named by the caller (their certificates must be in the journal's
     * keyring), no life cycle; kept for replication tests with a fixed keyring.
     */
    public static Behavior<Command> create(Settings settings, Clock clock, List<String> siblingDeviceIds) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Muaa(settings, clock, ctx, null, timers, Set.copyOf(siblingDeviceIds))));
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
        // a failed persist (local log unavailable for a moment) restarts the device with back-off and
        // recovers it from its log, instead of stopping it for good
        super(PersistenceId.ofUniqueId(pid(settings)), org.apache.pekko.actor.typed.SupervisorStrategy.restartWithBackoff(
                java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(10), 0.2));
        this.settings = settings;
        this.clock = clock;
        this.hlc = new HybridClock(clock, settings.deviceId());
        this.ctx = ctx;
        this.env = env;
        this.timers = timers;
        this.fixedSiblings = fixedSiblings;
        this.streams = new SiblingStreams(ctx.getSystem(), ctx.getSelf(), timers, settings.accountId(), settings.deviceId());
        try {
            this.armoredKey = env == null ? null : Crypto.armor(env.keyring().deviceKey()).getBytes(StandardCharsets.US_ASCII);
        } catch (CryptoException e) {
            throw new IllegalArgumentException("device key cannot be armored", e);
        }
        this.edits = new Edits(this);
        this.bootstrap = new Bootstrap(this);
        this.pairing = new PairingSessions(this);
        this.liveness = new Liveness(this);
        this.leaveConfirmation = new LeaveConfirmation(this, liveness);
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

    /**
     * Also snapshot right after a device becomes paired: entries this device sealed before its keyring
     * held the new device cannot be opened by it, and the snapshot (sealed when uploaded, so to the new
     * device too) is what heals its reader's gap at once instead of after {@code snapshotEvery} events.
     * So after a {@code DevicePaired} event, after a pairing's learned state, and after a merged sibling
     * snapshot that pairs a device this one did not count as a sibling - not after one that only brings
     * edits (each such snapshot is sealed to every sibling and opened by each, and at a join the newcomer
     * merges every sibling's snapshot: sealing and opening snapshots took a sixth of a 100-account
     * simulator setup's CPU).
     */
    @Override public boolean shouldSnapshot(AccountState state, Object event, long sequenceNr) {
        return event instanceof dev.kinbox.persistence.DeviceEvent.DevicePaired
                || event instanceof AccountState s && !noSnapshotAfter.remove(s);
    }

    /**
     * What this device only replicated - a sibling's event, a sibling's snapshot merged in - stays in the
     * local log and is not uploaded again (journal protocol v2): the sibling's own folder holds it, and
     * this device's snapshots carry its effect. So an edit is sealed once, by its author - except what
     * this device relays to siblings the author's message was not sealed to ({@link #relayed}, and a
     * merged state that came with {@code notSealedTo}): that is uploaded as its own.
     */
    @Override public java.util.Set<String> tagsFor(Object event) {
        boolean theirs = event instanceof AccountState s && mergedSnapshots.remove(s)
                || event instanceof AccountEvent e && !e.origin().equals(settings.deviceId());
        return theirs ? LOCAL_ONLY : java.util.Set.of();
    }

    /** Sibling snapshots being merged (local-only); other states persisted (a pairing's) are uploaded. */
    private final Set<AccountState> mergedSnapshots = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    /**
     * States persisted with no snapshot after them: merged ones that pair no device this one did not
     * count as a sibling, and relays ({@link #relayed}).
     */
    private final Set<AccountState> noSnapshotAfter = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    private static final java.util.Set<String> LOCAL_ONLY = java.util.Set.of(dev.kinbox.journal.KinboxJournal.LOCAL_ONLY_TAG);

    @Override public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
    }

    @Override public AccountState emptyState() { return AccountState.EMPTY; }

    @Override public SignalHandler<AccountState> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), state -> {
                    // what this device writes next must outrank what it wrote before, even with its wall clock set back
                    // (a crash and a clock reset, NTP stepping back): replayed own events and a snapshot are not observed
                    state.latestStamp().ifPresent(hlc::observe);
                    // a recovery that ends on a snapshot replays no event, so publish the state here
                    if (env != null) env.keyring().update(state);
                    reconcile(state);
                    if (env != null) pairing.pollLater(false); // each look sets the next
                    if (env != null && state.devices().containsKey(settings.deviceId())) pairing.resume(state);
                    if (env != null) timers.startTimerWithFixedDelay(LivenessTick.INSTANCE, env.timing().livenessCheck());
                    liveness.answerDoubts();
                })
                .onSignal(PostStop.instance(), state -> {
                    streams.stopAll();
                    pairing.stop();
                    liveness.stop();
                })
                // the next incarnation starts its own streams (from the start): this one's end here
                .onSignal(PreRestart.instance(), state -> streams.stopAll())
                .build();
    }

    @Override public CommandHandler<Command, Object, AccountState> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(ChangeSetting.class, edits::changeSetting)
                .onCommand(CreateContact.class, edits::createContact)
                .onCommand(EditContact.class, edits::editContact)
                .onCommand(RecordIncoming.class, edits::recordIncoming)
                .onCommand(Replicate.class, this::replicate)
                .onCommand(Merge.class, this::merge)
                .onCommand(CatchUp.class, (state, c) -> {
                    streams.catchUpAll(c.timeout()).thenAccept(unread -> c.replyTo().tell(StatusReply.success(unread)));
                    return Effect().none();
                })
                .onCommand(GetState.class, (state, c) -> Effect().reply(c.replyTo(), StatusReply.success(state)))
                .onCommand(GetDigest.class, (state, c) -> Effect().reply(c.replyTo(), StatusReply.success(CODEC.digest(state))))
                .onCommand(GetRetirement.class, (state, c) -> Effect().reply(c.replyTo(), StatusReply.success(liveness.retired(state))))
                .onCommand(Watch.class, (state, c) -> {
                    if (c.watch()) watchers.add(c.listener());
                    else watchers.remove(c.listener());
                    return Effect().reply(c.replyTo(), StatusReply.success(state));
                })
                .onCommand(GetStats.class, (state, c) -> Effect().reply(c.replyTo(), StatusReply.success(new LifecycleStats(
                        refusedAnnouncements.sum(), malformedDrops.sum(), refusedPairings.sum()))))
                .onCommand(Start.class, bootstrap::start)
                .onCommand(Discovered.class, bootstrap::discovered)
                .onCommand(StartChecked.class, bootstrap::startChecked)
                .onCommand(RemoveDevice.class, liveness::remove)
                .onCommand(RemoveCaughtUp.class, (state, c) -> liveness.remove(state, c.remove(), true))
                .onCommand(LeaveUploaded.class, liveness::leaveUploaded)
                .onCommand(LeaveNoticed.class, liveness::leaveNoticed)
                .onCommand(AwaitLeaveRead.class, leaveConfirmation::await)
                .onCommand(LeaveLook.class, leaveConfirmation::look)
                .onCommand(LeaveLooked.class, leaveConfirmation::looked)
                .onCommand(LivenessTick.class, (state, c) -> liveness.tick(state))
                .onCommand(CheckLiveness.class, liveness::checkNow)
                .onCommand(Checked.class, (state, c) -> liveness.checked(state, c, null))
                .onCommand(CheckCaughtUp.class, (state, c) -> liveness.checked(state, c.checked(), c.unread()))
                .onCommand(Rotated.class, liveness::rotated)
                .onCommand(ReturnUploaded.class, liveness::returnUploaded)
                .onCommand(Replied.class, (state, c) -> Effect().reply(c.replyTo(),
                        c.failure() == null ? StatusReply.success(c.outcome()) : StatusReply.error(c.failure().getMessage())))
                .onCommand(RequestPairing.class, pairing::requestPairing)
                .onCommand(EnterPairingCode.class, pairing::enterCode)
                .onCommand(PollDrops.class, (state, c) -> pairing.pollDrops(state))
                .onCommand(CheckDrops.class, (state, c) -> pairing.pollDrops(state))
                .onCommand(Noop.class, (state, c) -> Effect().none())
                .onCommand(SiblingStreamEnded.class, (state, c) -> {
                    streams.ended(c);
                    return Effect().none();
                })
                .onCommand(RestartSiblingStream.class, (state, c) -> {
                    streams.restart(c);
                    return Effect().none();
                })
                .onCommand(DropsTaken.class, pairing::dropsTaken)
                .onCommand(Approved.class, pairing::approved)
                .onCommand(ResendAck.class, (state, c) -> pairing.resendAck(c))
                .onCommand(NotesRead.class, pairing::notesRead)
                .onCommand(ResumePairing.class, (state, c) -> {
                    pairing.resume(state);
                    return Effect().none();
                })
                .onCommand(PairingFailed.class, (state, c) -> {
                    pairing.abort(c.session(), c.reason());
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

    private Effect<Object, AccountState> replicate(AccountState state, Replicate c) {
        if (state.context().contains(c.event().dot()) || liveness.retired(state).isPresent() || Adoption.retired(state, c.event().origin())) {
            return Effect().reply(c.applied(), Done.getInstance());
        }
        List<Object> events = Adoption.withAdoption(settings.deviceId(), state, List.of(c.event()));
        if (!c.notSealedTo().isEmpty() && !(events.get(events.size() - 1) instanceof AccountState)) events = relayed(state, events, c);
        // a device's own retirement, read from its folder: a leave, whose device waits for a roll that lists it
        boolean leave = c.event() instanceof dev.kinbox.persistence.DeviceEvent.DeviceRetired r && r.deviceId().equals(r.origin());
        return Effect().persist(events).thenRun(s -> {
            applied(s, c.applied());
            if (leave) liveness.retirementsLearnt(state, s);
        });
    }

    /**
     * {@code events} followed by the state they lead to, uploaded as this device's own event: the entry
     * they came from was not sealed to some of this device's siblings (its author sealed it before it
     * knew of them), so they cannot read it, and an author that left for good never snapshots for them.
     * This device knows them now, so what it uploads is sealed to them too, and they merge it. No
     * snapshot after it (the uploaded state is what they read).
     */
    private List<Object> relayed(AccountState state, List<Object> events, Replicate c) {
        AccountState after = state;
        for (Object e : events) after = after.apply((AccountEvent) e);
        noSnapshotAfter.add(after);
        ctx.getLog().info("relaying {} to {}: its author's entry was not sealed to them", c.event().dot(), c.notSealedTo());
        List<Object> out = new java.util.ArrayList<>(events);
        out.add(after);
        return out;
    }

    private Effect<Object, AccountState> merge(AccountState state, Merge c) {
        if (liveness.retired(state).isPresent()) return Effect().reply(c.applied(), Done.getInstance());
        AccountState joined = state.join(c.state());
        if (sameDigest(state, joined)) return Effect().reply(c.applied(), Done.getInstance());
        if (c.notSealedTo().isEmpty()) mergedSnapshots.add(c.state()); // else uploaded: relayed to those it was not sealed to
        else ctx.getLog().info("relaying a merged state to {}: its author's message was not sealed to them", c.notSealedTo());
        if (!MuaaKeyring.addsSibling(settings.deviceId(), state, joined)) noSnapshotAfter.add(c.state());
        return Effect().persist(Adoption.withAdoption(settings.deviceId(), state, List.of(c.state()))).thenRun(s -> {
            applied(s, c.applied());
            liveness.retirementsLearnt(state, s);
        });
    }

    private void applied(AccountState state, ActorRef<Done> replyTo) {
        reconcile(state);
        replyTo.tell(Done.getInstance());
    }

    private AccountState published(AccountState s) {
        if (env != null) env.keyring().update(s);
        for (ActorRef<AccountState> w : watchers) w.tell(s); // none during recovery: Watch is handled after it
        return s;
    }

    private final Set<ActorRef<AccountState>> watchers = new java.util.LinkedHashSet<>();

    private static boolean sameDigest(AccountState a, AccountState b) {
        return java.util.Arrays.equals(CODEC.digest(a), CODEC.digest(b));
    }

    /** Streams from exactly the paired siblings (or the caller's fixed list); none once this device is retired. */
    void reconcile(AccountState state) {
        if (env == null) {
            streams.reconcile(fixedSiblings);
            return;
        }
        Set<String> paired = new HashSet<>();
        for (var p : env.keyring().siblings()) paired.add(p.deviceId());
        boolean retired = liveness.retired(state).isPresent();
        if (retired) paired.clear(); // a retired device reads nothing more
        streams.reconcile(paired);
        // and leaves its folder to its siblings' clean-up: what it uploads goes in while the folder is there (a leave's
        // last events), but a folder they deleted is not created again (docs/PROTOCOL.md, "Removal and expiry")
        if (retired) journal().deviceRetired(settings.deviceId());
    }

    Dot nextDot(AccountState state) {
        return nextDot(state, 0);
    }

    Dot nextDot(AccountState state, int ahead) {
        return new Dot(settings.deviceId(), state.context().contiguous(settings.deviceId()) + 1 + ahead);
    }

    // ---- shared by the handlers (package-private seams) ----

    Executor blocking() {
        return ctx.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("kinbox.blocking-dispatcher"));
    }

    /**
     * Has what {@code sibling}'s folder holds now applied (as its live stream would), then sends
     * {@code then} to this MUAA; after a failure or {@code timeout} too (logged), as the caller
     * must go on either way.
     */
    void catchUpThen(String sibling, java.time.Duration timeout, Command then) {
        catchUpThen(Set.of(sibling), timeout, unread -> then);
    }

    /**
     * As {@link #catchUpThen(String, java.time.Duration, Command)}, the folders of {@code siblings} read
     * side by side; {@code then} is told those that could not be read to their end.
     */
    void catchUpThen(Set<String> siblings, java.time.Duration timeout, java.util.function.Function<Set<String>, Command> then) {
        java.util.Map<String, Throwable> unread = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.List<java.util.concurrent.CompletableFuture<Void>> reads = new java.util.ArrayList<>();
        for (String sibling : siblings) {
            reads.add(streams.catchUp(sibling, timeout).toCompletableFuture().handle((done, e) -> {
                if (e != null) unread.put(sibling, unwrap(e));
                return null;
            }));
        }
        // logged here, on the actor's thread: the ActorContext's log refuses other threads (which hid this line until 2026-12-05)
        ctx.pipeToSelf(java.util.concurrent.CompletableFuture.allOf(reads.toArray(java.util.concurrent.CompletableFuture[]::new)), (done, e) -> {
            unread.forEach((sibling, why) -> ctx.getLog().info("could not read the folder of {} to its end: {}", sibling, why.toString()));
            return then.apply(Set.copyOf(unread.keySet()));
        });
    }

    KinboxJournalRuntime journal() {
        return KinboxJournalRuntime.get(ctx.getSystem().classicSystem());
    }

    /**
     * Completes with true once everything this device persisted so far is on the server (uploads go in order), with
     * false after {@code wait}; never fails. Asked on the actor's thread.
     */
    java.util.concurrent.CompletableFuture<Boolean> uploadedWithin(java.time.Duration wait) {
        return journal().uploadedThrough(persistenceId().id(), lastSequenceNumber(ctx), wait);
    }

    AnnouncementFolder announcements() {
        return new AnnouncementFolder(journal().mailStore(settings.deviceId()), env.crypto(), settings.deviceId(), journal().stats(),
                refusedAnnouncements, refusedAnnouncementUids,
                env.announcements().byDigest(), env.announcements().rollsByDigest());
    }

    /**
     * Runs {@code work} on the blocking dispatcher and hands its result to {@code then} on the actor.
     * A null result travels wrapped: Pekko delivers it as a message holding null, and one that reaches
     * a stopped actor makes its dead-letter logging fail with a NullPointerException.
     */
    <T> void runBlocking(Supplier<T> work, java.util.function.BiFunction<T, Throwable, Command> then) {
        ctx.pipeToSelf(CompletableFuture.supplyAsync(work, blocking()).thenApply(java.util.Optional::ofNullable),
                (v, e) -> then.apply(v == null ? null : v.orElse(null), e == null ? null : unwrap(e)));
    }

    static Throwable unwrap(Throwable e) {
        return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /**
     * A copy of the device key for our own signing: Bouncy Castle's key objects cache lazily and are
     * not safe to use from two threads, and the journal signs and decrypts with the keyring's
     * instance on its own threads (seen as an intermittent "key cannot sign").
     */
    OpenPGPKey privateKey() throws CryptoException {
        return env.crypto().readKey(armoredKey);
    }
}
