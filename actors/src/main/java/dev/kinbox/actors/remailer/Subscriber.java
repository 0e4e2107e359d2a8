package dev.kinbox.actors.remailer;

import java.time.Instant;
import java.util.Optional;

/**
 * One address the list knows. Only two keys can ever be used for it, both bound to its own address:
 * the one collected by Autocrypt Level 1 from mail whose From is this address, and one an admin set;
 * the admin's wins. Gossip is never used.
 *
 * @param addr               canonical address
 * @param status             whether it currently receives list mail
 * @param lastSeen           Level 1 {@code last_seen} (null: never)
 * @param autocryptTimestamp Level 1 {@code autocrypt_timestamp} (null: never)
 * @param collectedKey       Level 1 {@code public_key} (null: none)
 * @param collectedFingerprint its fingerprint
 * @param mutual             Level 1 {@code prefer_encrypt=mutual}
 * @param adminKey           key set by an admin (null: none)
 * @param adminFingerprint   its fingerprint
 * @param pinnedFingerprint  when set, collected keys with another fingerprint are refused
 */
public record Subscriber(String addr, Status status, Instant lastSeen, Instant autocryptTimestamp, byte[] collectedKey,
                         String collectedFingerprint, boolean mutual, byte[] adminKey, String adminFingerprint,
                         String pinnedFingerprint) {
    /** Subscription state. */
    public enum Status { SUBSCRIBED, UNSUBSCRIBED }

    static Subscriber fresh(String addr) {
        return new Subscriber(addr, Status.SUBSCRIBED, null, null, null, null, false, null, null, null);
    }

    public boolean subscribed() {
        return status == Status.SUBSCRIBED;
    }

    /** The key used for this subscriber: the admin's, else the collected one; empty without either. */
    public Optional<byte[]> key() {
        return Optional.ofNullable(adminKey != null ? adminKey : collectedKey);
    }

    /** Fingerprint of {@link #key()}, or null. */
    public String fingerprint() {
        return adminKey != null ? adminFingerprint : collectedFingerprint;
    }

    Subscriber withStatus(Status s) {
        return new Subscriber(addr, s, lastSeen, autocryptTimestamp, collectedKey, collectedFingerprint, mutual,
                adminKey, adminFingerprint, pinnedFingerprint);
    }

    Subscriber withCollected(RosterEvent.SubscriberKeyCollected e) {
        return new Subscriber(addr, status, e.lastSeen(), e.autocryptTimestamp(), e.keydata(), e.fingerprint(),
                e.mutual(), adminKey, adminFingerprint, pinnedFingerprint);
    }

    Subscriber withAdminKey(byte[] key, String fp) {
        return new Subscriber(addr, status, lastSeen, autocryptTimestamp, collectedKey, collectedFingerprint, mutual,
                key, key == null ? null : fp, pinnedFingerprint);
    }

    Subscriber withPin(String fp) {
        return new Subscriber(addr, status, lastSeen, autocryptTimestamp, collectedKey, collectedFingerprint, mutual,
                adminKey, adminFingerprint, fp);
    }

    @Override public String toString() {
        return "Subscriber[" + addr + ", " + status + ", key=" + fingerprint() + ", pinned=" + pinnedFingerprint + "]";
    }
}
