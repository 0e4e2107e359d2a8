package dev.kinbox.actors.muaa;

import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaFormatException;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.KinboxCodec;
import dev.kinbox.persistence.SettingsEvent;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.HybridClock;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
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
 * <p>Built so far: {@link ChangeSetting}, {@link GetState}, {@link GetDigest}. Not built yet:
 * contacts, incoming Autocrypt, bootstrap, replication, pairing (see docs/ARCHITECTURE.md).
 */
public final class Muaa extends EventSourcedBehavior<Muaa.Command, AccountEvent, AccountState> {
    /** What the MUAA accepts; every command answers through a {@link StatusReply}. */
    public sealed interface Command permits ChangeSetting, GetState, GetDigest {}

    /** Set {@code key} to {@code value}; replies with the persisted event. */
    public record ChangeSetting(String key, String value, ActorRef<StatusReply<AccountEvent>> replyTo) implements Command {}

    /** Reply with the current state. */
    public record GetState(ActorRef<StatusReply<AccountState>> replyTo) implements Command {}

    /** Reply with the SHA-256 of the canonical state encoding ({@link KinboxCodec#digest}). */
    public record GetDigest(ActorRef<StatusReply<byte[]>> replyTo) implements Command {}

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
                .onCommand(ChangeSetting.class, (state, c) -> {
                    AccountEvent e;
                    try {
                        e = new SettingsEvent.SettingChanged(nextDot(state), hlc.now(), c.key(), c.value());
                    } catch (IllegalArgumentException bad) {
                        return Effect().reply(c.replyTo(), StatusReply.error(bad.getMessage()));
                    }
                    return Effect().persist(e).thenReply(c.replyTo(), s -> StatusReply.success(e));
                })
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

    private Dot nextDot(AccountState state) {
        return new Dot(settings.deviceId(), state.context().contiguous(settings.deviceId()) + 1);
    }
}
