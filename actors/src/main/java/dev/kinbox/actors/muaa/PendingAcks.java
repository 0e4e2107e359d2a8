package dev.kinbox.actors.muaa;

import dev.kinbox.crypto.CryptoException;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.DeviceEvent;
import dev.kinbox.persistence.DeviceRecord;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The new device's last pairing step (docs/PROTOCOL.md, "Pairing drops"): once it persisted what it
 * learned it keeps its {@code ack} in a {@link PairingNote}, leaves it with the existing device and
 * leaves it again with back-off until the existing device's authenticated {@code done} arrives (then
 * the pairing is complete: recorded here too, and reported) or the pairing timeout passes in real time (then it
 * failed). A note found at start (the device crashed in between) resumes the resending until the note's deadline. Used on the actor's thread only.
 */
final class PendingAcks {
    private static final Logger LOG = LoggerFactory.getLogger(PendingAcks.class);
    private final Muaa m;
    private final PairingSessions sessions;
    private final Map<String, Pending> pending = new HashMap<>();

    /** One ack waiting for its {@code done}; {@code done} is the asker (null after a restart). */
    private record Pending(String existing, PairDrop ack, String accountKey, Duration nextDelay,
                           ActorRef<StatusReply<PairingOutcome.Paired>> done) {
        Pending later(Duration d) {
            return new Pending(existing, ack, accountKey, d, done);
        }
    }

    PendingAcks(Muaa m, PairingSessions sessions) {
        this.m = m;
        this.sessions = sessions;
    }

    /** True while an ack of ours waits for its done. */
    boolean waiting() {
        return !pending.isEmpty();
    }

    /** True while an ack of ours to {@code existing} waits for its done. */
    boolean waitingFor(String existing) {
        return pending.values().stream().anyMatch(p -> p.existing().equals(existing));
    }

    /** After the learned state is persisted: keep the note, then leave the ack (in that order), and wait for done. */
    void start(String session, String existing, PairDrop ack, String accountKey, ActorRef<StatusReply<PairingOutcome.Paired>> done) {
        Duration timeout = m.env.timing().pairingTimeout();
        PairingNote note = new PairingNote(PairingNote.Role.NEW, session, existing, m.clock.millis() + timeout.toMillis(), ack.body(),
                new byte[0]);
        track(session, new Pending(existing, ack, accountKey, firstDelay(), done), timeout);
        sessions.keepThenLeave(note, existing, ack);
    }

    /** A note of ours found at start: resend its ack at once unless it is over. */
    void restore(PairingNote n, PairDrop ack) {
        if (pending.containsKey(n.session())) return;
        if (m.clock.millis() >= n.deadline()) {
            LOG.info("pairing session {} with {} ended while this device was away", n.session(), n.peer());
            sessions.forget(n.session());
            return;
        }
        LOG.info("resuming pairing session {} with {}: resending the ack", n.session(), n.peer());
        track(n.session(), new Pending(n.peer(), ack, null, firstDelay(), null), Duration.ofMillis(n.deadline() - m.clock.millis()));
        sessions.leave(n.peer(), ack);
    }

    /** The resend timer: leave the ack again and wait twice as long, up to the deadline. */
    void resend(String session) {
        Pending p = pending.get(session);
        if (p == null) return;
        LOG.debug("resending the ack of pairing session {} to {}", session, p.existing());
        sessions.leave(p.existing(), p.ack());
        Duration cap = m.env.timing().dropPoll().multipliedBy(64);
        Duration next = p.nextDelay().multipliedBy(2).compareTo(cap) > 0 ? cap : p.nextDelay().multipliedBy(2);
        pending.put(session, p.later(next));
        m.timers.startSingleTimer(resendKey(session), new Muaa.ResendAck(session), next);
    }

    /**
     * A {@code done} drop: when it is the existing device's answer for a waiting ack, this device
     * records its own pairing ({@code DevicePaired(self, pairedBy = existing)}, so its state agrees at
     * once, before replication brings the existing device's record) and, once that is persisted,
     * forgets its note and reports the pairing complete. Anything else is ignored. Returns the work
     * to do after the batch of {@code events} is persisted.
     */
    java.util.function.Consumer<AccountState> done(AccountState state, PairDrop d, List<Object> events) {
        Pending p = pending.get(d.session());
        if (p == null || !d.author().equals(p.existing())) {
            LOG.debug("ignoring pairing drop {} of no waiting ack", d);
            return s -> { };
        }
        DeviceRecord rec = state.devices().get(p.existing());
        boolean genuine;
        try {
            genuine = rec != null && rec.certificate() != null && new DoneBody(d.session(), m.settings.deviceId()).verifies(d.body(),
                    m.env.crypto(), m.privateKey(), m.env.crypto().readCertificate(rec.certificate().value().toByteArray()));
        } catch (CryptoException e) {
            genuine = false;
        }
        if (!genuine) {
            LOG.warn("ignoring a done drop for pairing session {} that is not {}'s", d.session(), p.existing());
            return s -> { };
        }
        end(d.session());
        DeviceRecord self = state.devices().get(m.settings.deviceId());
        if (self == null || self.status() == DeviceStatus.ANNOUNCED) {
            events.add(new DeviceEvent.DevicePaired(m.nextDot(state, (int) events.stream().filter(e -> e instanceof AccountEvent).count()),
                    m.hlc.now(), m.settings.deviceId(), p.existing()));
        }
        return s -> {
            sessions.forget(d.session());
            LOG.info("paired with {} (session {}): it recorded this device", p.existing(), d.session());
            if (p.done() != null) {
                String key = p.accountKey() != null ? p.accountKey() : s.currentKeyFingerprint().orElse("");
                p.done().tell(StatusReply.success(new PairingOutcome.Paired(d.session(), p.existing(), key)));
            }
        };
    }

    /** The deadline passed (or the session failed otherwise): forget the note and tell the asker; true if it was ours. */
    boolean fail(String session, String reason) {
        Pending p = pending.get(session);
        if (p == null) return false;
        end(session);
        m.refusedPairings.increment();
        LOG.warn("pairing session {} with {} failed waiting for its done: {}", session, p.existing(), reason);
        sessions.forget(session);
        if (p.done() != null) p.done().tell(StatusReply.error("pairing aborted: " + reason));
        return true;
    }

    /**
     * Waits {@code timeout} of real time (a timer) for the done. Only a note found at start is timed by
     * the device's clock (the time left to its deadline): that clock may run faster than real time (the
     * simulator's does) or jump, so a live session never measures its timeout on it.
     */
    private void track(String session, Pending p, Duration timeout) {
        pending.put(session, p);
        sessions.sessionOpened();
        m.timers.startSingleTimer(session, new Muaa.PairingFailed(session, "no done from the existing device in time"),
                timeout.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : timeout);
        m.timers.startSingleTimer(resendKey(session), new Muaa.ResendAck(session), p.nextDelay());
    }

    private void end(String session) {
        pending.remove(session);
        m.timers.cancel(session);
        m.timers.cancel(resendKey(session));
    }

    private Duration firstDelay() {
        return m.env.timing().dropPoll().multipliedBy(4);
    }

    private static String resendKey(String session) {
        return "resend-" + session;
    }
}
