package dev.kinbox.simulator.workload;

import java.util.List;

/** One user edit on a device: what the virtual user asked for. */
public sealed interface Change {
    /** Set account setting {@code key} to {@code value}. */
    record SetSetting(String key, String value) implements Change {}

    /** Create contact {@code contactId}. */
    record CreateContact(String contactId) implements Change {}

    /** Set {@code field} of contact {@code contactId} to {@code value}. */
    record EditContact(String contactId, String field, String value) implements Change {}

    /**
     * A mail arrives from peer {@code peer} (0-based, of a small per-run pool) carrying an Autocrypt
     * header with that peer's key number {@code keyGeneration} (a higher number: the peer rotated its
     * key), {@code mutual} its prefer-encrypt. The device records what it learns about the peer.
     */
    record IncomingMail(int peer, int keyGeneration, boolean mutual) implements Change {}

    /**
     * A group mail arrives: peer {@code peer} (its key number {@code keyGeneration}, prefer-encrypt
     * {@code mutual} in its Autocrypt header) writes to the account and to the peers {@code cc}
     * (at least one, never the sender), signed and encrypted to every recipient's key, with an
     * {@code Autocrypt-Gossip} header inside for each recipient (Autocrypt Level 1): the device
     * learns the gossiped keys of the peers in {@code cc}. {@code damage} spoils the mail on its way
     * ({@link Damage}).
     */
    record GossipMail(int peer, int keyGeneration, boolean mutual, List<Recipient> cc, Damage damage) implements Change {
        public GossipMail {
            cc = List.copyOf(cc);
            if (cc.isEmpty()) throw new IllegalArgumentException("a gossip mail needs another peer among its recipients");
            if (damage == null) throw new IllegalArgumentException("damage must be given (NONE for none)");
            for (Recipient r : cc) {
                if (r.peer() == peer) throw new IllegalArgumentException("peer " + peer + " does not write to itself");
            }
        }

        /** Peer {@code peer} with its key number {@code keyGeneration}, as the sender knows it. */
        public record Recipient(int peer, int keyGeneration) {}

        /** What happened to the mail on its way. */
        public enum Damage {
            /** Intact: the device opens it and records the sender's header and the gossip. */
            NONE,
            /**
             * Encrypted to a key the account does not hold (the sender had a wrong key for it): the device
             * cannot open it, so no gossip; Level 1 still records the outer Autocrypt header.
             */
            UNDECRYPTABLE,
            /** The OpenPGP data was altered in transit: the device refuses the whole mail and records nothing. */
            MALFORMED
        }
    }
}
