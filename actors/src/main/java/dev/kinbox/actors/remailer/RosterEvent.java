package dev.kinbox.actors.remailer;

import java.time.Instant;

/**
 * Everything that changes a {@link Roster}, in the past tense. Events are plain data (addresses are
 * canonical, keys are binary Autocrypt keydata) so a persistent actor can journal them and fold them
 * with {@link Roster#apply} on recovery; the fold is deterministic and never fails (an event about an
 * unknown subscriber is a no-op).
 */
public sealed interface RosterEvent {
    /** When it happened (the mail's effective date or the command's time). */
    Instant at();

    /** {@code addr} joined (or re-joined) the list. */
    record SubscriberAdded(String addr, Instant at) implements RosterEvent {}

    /** {@code addr} left the list; its collected key is kept for a later re-subscribe. */
    record SubscriberRemoved(String addr, Instant at) implements RosterEvent {}

    /**
     * Autocrypt Level 1 processing of a mail from {@code addr} itself changed its peer state; the
     * fields are the new state (the result of {@code Autocrypt.update}), so folding is a replace.
     *
     * @param keydata     the new Autocrypt key, or null when only {@code lastSeen} moved
     * @param fingerprint its primary fingerprint (null with no key)
     */
    record SubscriberKeyCollected(String addr, Instant at, Instant lastSeen, Instant autocryptTimestamp,
                                  byte[] keydata, String fingerprint, boolean mutual) implements RosterEvent {}

    /** An admin set {@code addr}'s key out of band; it wins over collected keys until cleared (keydata null). */
    record SubscriberKeySet(String addr, Instant at, byte[] keydata, String fingerprint) implements RosterEvent {}

    /** Key changes for {@code addr} are refused unless they carry {@code fingerprint} (null: unpinned). */
    record FingerprintPinned(String addr, Instant at, String fingerprint) implements RosterEvent {}

    /** The list's settings were replaced by {@code settings}. */
    record ListSettingChanged(ListSettings settings, Instant at) implements RosterEvent {}

    /** A mail from {@code sender} was processed (counted for the flood limit). */
    record PostReceived(String sender, Instant at) implements RosterEvent {}

    /** In digest mode: {@code addr} could not read a post and is owed a notice for it. */
    record MissedMessageQueued(String addr, Instant at, String from, String messageId) implements RosterEvent {}

    /** In digest mode: the queued notices of {@code addr} were sent as one digest. */
    record MissedDigestSent(String addr, Instant at) implements RosterEvent {}
}
