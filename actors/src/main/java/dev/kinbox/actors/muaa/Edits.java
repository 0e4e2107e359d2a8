package dev.kinbox.actors.muaa;

import dev.kinbox.actors.mail.EventStamp;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.ContactEvent;
import dev.kinbox.persistence.SettingsEvent;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.persistence.crdt.HybridClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/**
 * The MUAA's edit commands ({@link Muaa.ChangeSetting}, {@link Muaa.CreateContact},
 * {@link Muaa.EditContact}, {@link Muaa.RecordIncoming}): each persists events with this device's
 * next dots and HLC times; a retired device refuses them (it no longer writes into the account).
 * Used on the actor's thread only.
 */
final class Edits {
    private final Muaa m;
    private final Muaa.Settings settings;
    private final HybridClock hlc;

    Edits(Muaa m) {
        this.m = m;
        this.settings = m.settings;
        this.hlc = m.hlc;
    }

    Effect<Object, AccountState> changeSetting(AccountState state, Muaa.ChangeSetting c) {
        return persistOne(state, c.replyTo(), () -> new SettingsEvent.SettingChanged(m.nextDot(state), hlc.now(), c.key(), c.value()));
    }

    Effect<Object, AccountState> createContact(AccountState state, Muaa.CreateContact c) {
        return persistOne(state, c.replyTo(), () -> new ContactEvent.ContactCreated(m.nextDot(state), hlc.now(), c.contactId()));
    }

    Effect<Object, AccountState> editContact(AccountState state, Muaa.EditContact c) {
        return persistOne(state, c.replyTo(),
                () -> new ContactEvent.ContactFieldChanged(m.nextDot(state), hlc.now(), c.contactId(), c.field(), c.value()));
    }

    private Effect<Object, AccountState> persistOne(AccountState state, ActorRef<StatusReply<AccountEvent>> replyTo, Supplier<AccountEvent> make) {
        Optional<String> gone = m.liveness.mayNotWrite(state);
        if (gone.isPresent()) return m.Effect().reply(replyTo, StatusReply.error(gone.get()));
        AccountEvent e;
        try {
            e = make.get();
        } catch (IllegalArgumentException bad) {
            return m.Effect().reply(replyTo, StatusReply.error(bad.getMessage()));
        }
        return m.Effect().persist((Object) e).thenReply(replyTo, s -> StatusReply.success(e));
    }

    Effect<Object, AccountState> recordIncoming(AccountState state, Muaa.RecordIncoming c) {
        Optional<String> gone = m.liveness.mayNotWrite(state);
        if (gone.isPresent()) return m.Effect().reply(c.replyTo(), StatusReply.error(gone.get()));
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
            return m.Effect().reply(c.replyTo(), StatusReply.error("incoming mail not recorded: " + e.getMessage()));
        }
        List<Dot> dots = events.stream().map(AccountEvent::dot).toList();
        if (!dots.equals(handedOut.subList(0, Math.min(handedOut.size(), dots.size()))) || dots.size() != handedOut.size()) {
            return m.Effect().reply(c.replyTo(), StatusReply.error("incoming events must carry exactly the stamped dots in order"));
        }
        if (events.isEmpty()) return m.Effect().reply(c.replyTo(), StatusReply.success(events));
        return m.Effect().persist(new ArrayList<Object>(events)).thenReply(c.replyTo(), s -> StatusReply.success(events));
    }
}
