package dev.kinbox.actors.remailer;

import dev.kinbox.crypto.Autocrypt;
import dev.kinbox.crypto.AutocryptMail;
import dev.kinbox.crypto.PeerState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A list's whole state as an immutable value: settings, subscribers (with their Autocrypt peer state)
 * and the little bookkeeping the pipeline needs (recent mails per sender for the flood limit, queued
 * missed-message notices). It changes only by folding {@link RosterEvent}s with {@link #apply}, so a
 * persistent actor can rebuild it from its journal; nothing here does I/O.
 *
 * @param settings    the list's settings
 * @param subscribers by canonical address (unsubscribed ones are kept for their keys)
 * @param recentMails per sender, the times of mails inside the flood window (pruned as events fold)
 * @param missed      per subscriber, notices queued for the next digest
 */
public record Roster(ListSettings settings, Map<String, Subscriber> subscribers, Map<String, List<Instant>> recentMails,
                     Map<String, List<RosterEvent.MissedMessageQueued>> missed) {
    /** Most senders tracked for the flood limit; beyond it the least recently seen is forgotten. */
    static final int MAX_TRACKED_SENDERS = 10_000;
    /** Most notices queued per subscriber; older ones are dropped from the digest. */
    static final int MAX_QUEUED_NOTICES = 200;

    public Roster {
        subscribers = Collections.unmodifiableMap(new TreeMap<>(subscribers));
        recentMails = Collections.unmodifiableMap(new TreeMap<>(recentMails));
        missed = Collections.unmodifiableMap(new TreeMap<>(missed));
    }

    /** A list with no subscribers. */
    public static Roster empty(ListSettings settings) {
        return new Roster(settings, Map.of(), Map.of(), Map.of());
    }

    /** Folds events in order. */
    public Roster applyAll(List<? extends RosterEvent> events) {
        Roster r = this;
        for (RosterEvent e : events) r = r.apply(e);
        return r;
    }

    /** The state after one event; events about unknown subscribers change nothing. */
    public Roster apply(RosterEvent event) {
        if (event instanceof RosterEvent.SubscriberAdded e) {
            Subscriber old = subscribers.get(e.addr());
            return withSubscriber(old != null ? old.withStatus(Subscriber.Status.SUBSCRIBED) : Subscriber.fresh(e.addr()));
        }
        if (event instanceof RosterEvent.SubscriberRemoved e) {
            return update(e.addr(), s -> s.withStatus(Subscriber.Status.UNSUBSCRIBED));
        }
        if (event instanceof RosterEvent.SubscriberKeyCollected e) return update(e.addr(), s -> s.withCollected(e));
        if (event instanceof RosterEvent.SubscriberKeySet e) {
            return update(e.addr(), s -> s.withAdminKey(e.keydata(), e.fingerprint()));
        }
        if (event instanceof RosterEvent.FingerprintPinned e) return update(e.addr(), s -> s.withPin(e.fingerprint()));
        if (event instanceof RosterEvent.ListSettingChanged e) return new Roster(e.settings(), subscribers, recentMails, missed);
        if (event instanceof RosterEvent.PostReceived e) return withMail(e);
        if (event instanceof RosterEvent.MissedMessageQueued e) return withMissed(e);
        if (event instanceof RosterEvent.MissedDigestSent e) {
            Map<String, List<RosterEvent.MissedMessageQueued>> m = new TreeMap<>(missed);
            m.remove(e.addr());
            return new Roster(settings, subscribers, recentMails, m);
        }
        throw new IllegalArgumentException("unknown roster event " + event.getClass().getName()); // sealed: unreachable
    }

    /** Subscribed addresses, sorted. */
    public List<Subscriber> active() {
        return subscribers.values().stream().filter(Subscriber::subscribed).toList();
    }

    /** How many subscribed addresses have a key. */
    public int withKeys() {
        return (int) active().stream().filter(s -> s.key().isPresent()).count();
    }

    /** Whether the list's Autocrypt header goes out now (the threshold over the current counts). */
    public boolean headerActive() {
        return settings.threshold().met(withKeys(), active().size());
    }

    public boolean isSubscribed(String addr) {
        Subscriber s = subscribers.get(addr);
        return s != null && s.subscribed();
    }

    /** Mails from {@code sender} counted in the flood window ending at {@code now}. */
    public int mailsInWindow(String sender, Instant now) {
        Instant from = now.minus(settings.floodWindow());
        return (int) recentMails.getOrDefault(sender, List.of()).stream().filter(t -> t.isAfter(from)).count();
    }

    /**
     * The events Autocrypt Level 1 processing of {@code mail} causes: a peer-state change for a known
     * subscriber who is the mail's own From (crypto's parser already refuses headers whose addr is not
     * the From), unless a pinned fingerprint refuses the offered key. Mail from strangers changes nothing.
     *
     * @param refusals receives a reason when a pin refused a key change
     */
    public List<RosterEvent> collect(AutocryptMail mail, List<String> refusals) {
        if (mail.from() == null) return List.of();
        Subscriber s = subscribers.get(mail.from());
        if (s == null) return List.of();
        PeerState old = new PeerState(s.addr(), s.lastSeen(), s.autocryptTimestamp(), s.collectedKey(), s.mutual(), null, null);
        PeerState next = Autocrypt.update(old, mail);
        if (next == old) return List.of();
        String fp = s.collectedFingerprint();
        if (mail.header().isPresent() && next.publicKey() == mail.header().get().keydata()) {
            fp = mail.header().get().fingerprint();
            if (s.pinnedFingerprint() != null && !s.pinnedFingerprint().equals(fp)) {
                refusals.add("key " + fp + " for " + s.addr() + " refused: fingerprint pinned to " + s.pinnedFingerprint());
                return List.of();
            }
        }
        return List.of(new RosterEvent.SubscriberKeyCollected(s.addr(), mail.effectiveDate(), next.lastSeen(),
                next.autocryptTimestamp(), next.publicKey(), fp, next.mutual()));
    }

    private Roster withSubscriber(Subscriber s) {
        Map<String, Subscriber> m = new TreeMap<>(subscribers);
        m.put(s.addr(), s);
        return new Roster(settings, m, recentMails, missed);
    }

    private Roster update(String addr, java.util.function.UnaryOperator<Subscriber> f) {
        Subscriber s = subscribers.get(addr);
        return s == null ? this : withSubscriber(f.apply(s));
    }

    private Roster withMail(RosterEvent.PostReceived e) {
        Instant from = e.at().minus(settings.floodWindow());
        Map<String, List<Instant>> m = new TreeMap<>(recentMails);
        List<Instant> times = new ArrayList<>(m.getOrDefault(e.sender(), List.of()));
        times.removeIf(t -> !t.isAfter(from));
        times.add(e.at());
        m.put(e.sender(), List.copyOf(times));
        m.values().removeIf(l -> l.isEmpty() || !l.get(l.size() - 1).isAfter(from));
        while (m.size() > MAX_TRACKED_SENDERS) {
            String oldest = m.entrySet().stream().min((a, b) -> last(a.getValue()).compareTo(last(b.getValue())))
                    .orElseThrow().getKey();
            m.remove(oldest);
        }
        return new Roster(settings, subscribers, m, missed);
    }

    private static Instant last(List<Instant> l) {
        return l.get(l.size() - 1);
    }

    private Roster withMissed(RosterEvent.MissedMessageQueued e) {
        if (!subscribers.containsKey(e.addr())) return this;
        Map<String, List<RosterEvent.MissedMessageQueued>> m = new TreeMap<>(missed);
        List<RosterEvent.MissedMessageQueued> l = new ArrayList<>(m.getOrDefault(e.addr(), List.of()));
        l.add(e);
        while (l.size() > MAX_QUEUED_NOTICES) l.remove(0);
        m.put(e.addr(), List.copyOf(l));
        return new Roster(settings, subscribers, recentMails, m);
    }
}
