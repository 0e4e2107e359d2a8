package dev.kinbox.actors.muaa;

import dev.kinbox.actors.mail.EventStamp;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaFormatException;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.ContactEvent;
import dev.kinbox.persistence.KinboxCodec;
import dev.kinbox.persistence.SettingsEvent;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.persistence.crdt.HybridClock;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import dev.kinbox.journal.query.KinboxReadJournal;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The per-device MUAA (first slice): an event-sourced actor whose state is the device's
 * {@link AccountState}, persisted on {@code kinbox.journal} under
 * {@code sma|<accountId>|<deviceId>} with snapshots on {@code kinbox.snapshot-store} every
 * {@code snapshotEvery} events. Each command that changes something persists one event carrying
 * the next dot of this device ({@code contiguous(deviceId) + 1}) and an HLC time from a
 * {@link HybridClock} over the injected {@link Clock}; applying is {@link AccountState#apply}.
 *
 * <p>Built so far: {@link ChangeSetting}, {@link CreateContact}, {@link EditContact},
 * {@link RecordIncoming}, {@link GetState}, {@link GetDigest}, replication from siblings named by the
 * caller ({@link Replicate}). Not built yet: bootstrap, pairing, merging {@code SiblingSnapshot}s (see
 * docs/ARCHITECTURE.md).
 */
public final class Muaa extends EventSourcedBehavior<Muaa.Command, AccountEvent, AccountState> {
    /** What the MUAA accepts; every command answers through a {@link StatusReply}. */
    public sealed interface Command permits ChangeSetting, CreateContact, EditContact, RecordIncoming, GetState, GetDigest, Replicate {}

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

    /**
     * A sibling's event read from its journal through {@code kinbox.query}: applied and persisted in
     * our journal unless the state already contains its dot. Sent by the MUAA's own replication
     * streams; public only because commands are one sealed type.
     */
    public record Replicate(AccountEvent event) implements Command {}

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
    private final HybridClock hlc;

    /** The behavior for one device; {@code clock} is the only time source. */
    public static Behavior<Command> create(Settings settings, Clock clock) {
        return new Muaa(settings, clock);
    }

    /**
     * As {@link #create(Settings, Clock)}, also replicating from {@code siblingDeviceIds}: one live
     * {@code eventsByPersistenceId} stream per sibling, stopped with the actor. Stand-in until
     * pairing lands: the caller names the siblings (they must be in the journal's {@code Keyring});
     * later they come from the paired devices in the state. Not handled yet: a {@code SiblingSnapshot}
     * (a sibling that compacted its journal) is dropped, so its compacted events never arrive here;
     * and the streams tell without back-pressure.
     */
    public static Behavior<Command> create(Settings settings, Clock clock, List<String> siblingDeviceIds) {
        return Behaviors.setup(ctx -> {
            KinboxReadJournal query = PersistenceQuery.get(ctx.getSystem().classicSystem())
                    .getReadJournalFor(KinboxReadJournal.class, KinboxReadJournal.IDENTIFIER);
            List<UniqueKillSwitch> streams = new ArrayList<>();
            for (String sibling : siblingDeviceIds) {
                String pid = pid(new Settings(settings.accountId(), sibling, settings.snapshotEvery()));
                ActorRef<Command> self = ctx.getSelf();
                // A live query fails when it starts before the sibling's folder exists: restart it (from
                // the start; replayed dots are skipped by Replicate's contains check).
                streams.add(RestartSource.onFailuresWithBackoff(
                                RestartSettings.create(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2),
                                () -> query.eventsByPersistenceId(pid, 0L, Long.MAX_VALUE))
                        .viaMat(KillSwitches.single(), Keep.right())
                        .filter(env -> env.event() instanceof AccountEvent)
                        .toMat(Sink.foreach(env -> self.tell(new Replicate((AccountEvent) env.event()))), Keep.left())
                        .run(ctx.getSystem()));
            }
            Muaa m = new Muaa(settings, clock);
            m.streams.addAll(streams);
            return m;
        });
    }

    private final List<UniqueKillSwitch> streams = new ArrayList<>();

    @Override public SignalHandler<AccountState> signalHandler() {
        return newSignalHandlerBuilder().onSignal(PostStop.instance(), state -> streams.forEach(UniqueKillSwitch::shutdown)).build();
    }

    private Muaa(Settings settings, Clock clock) {
        super(PersistenceId.ofUniqueId(pid(settings)));
        this.settings = settings;
        this.hlc = new HybridClock(clock, settings.deviceId());
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

    @Override public CommandHandler<Command, AccountEvent, AccountState> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(ChangeSetting.class, (state, c) -> persistOne(c.replyTo(),
                        () -> new SettingsEvent.SettingChanged(nextDot(state), hlc.now(), c.key(), c.value())))
                .onCommand(CreateContact.class, (state, c) ->
                        persistOne(c.replyTo(), () -> new ContactEvent.ContactCreated(nextDot(state), hlc.now(), c.contactId())))
                .onCommand(EditContact.class, (state, c) -> persistOne(c.replyTo(),
                        () -> new ContactEvent.ContactFieldChanged(nextDot(state), hlc.now(), c.contactId(), c.field(), c.value())))
                .onCommand(RecordIncoming.class, this::recordIncoming)
                .onCommand(Replicate.class, (state, c) -> state.context().contains(c.event().dot())
                        ? Effect().none() : Effect().persist(c.event()))
                .onCommand(GetState.class, (state, c) -> Effect().reply(c.replyTo(), StatusReply.success(state)))
                .onCommand(GetDigest.class, (state, c) -> Effect().reply(c.replyTo(), StatusReply.success(CODEC.digest(state))))
                .build();
    }

    @Override public EventHandler<AccountState, AccountEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent((state, e) -> {
            if (!e.origin().equals(settings.deviceId())) hlc.observe(e.time());
            return state.apply(e);
        });
    }

    private Effect<AccountEvent, AccountState> persistOne(ActorRef<StatusReply<AccountEvent>> replyTo,
                                                          java.util.function.Supplier<AccountEvent> make) {
        AccountEvent e;
        try {
            e = make.get();
        } catch (IllegalArgumentException bad) {
            return Effect().reply(replyTo, StatusReply.error(bad.getMessage()));
        }
        return Effect().persist(e).thenReply(replyTo, s -> StatusReply.success(e));
    }

    private Effect<AccountEvent, AccountState> recordIncoming(AccountState state, RecordIncoming c) {
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
        return Effect().persist(events).thenReply(c.replyTo(), s -> StatusReply.success(events));
    }

    private Dot nextDot(AccountState state) {
        return new Dot(settings.deviceId(), state.context().contiguous(settings.deviceId()) + 1);
    }
}
