package dev.kinbox.crypto;

import java.time.Instant;

/**
 * Autocrypt Level 1 state kept per peer address (all fields but {@code addr} may be null /
 * false when unknown). Pure value: {@link Autocrypt#update} and {@link Autocrypt#updateGossip}
 * return new instances.
 */
public record PeerState(String addr, Instant lastSeen, Instant autocryptTimestamp, byte[] publicKey,
                        boolean mutual, Instant gossipTimestamp, byte[] gossipKey) {
    /** The empty state of a peer never seen. */
    public static PeerState empty(String addr) {
        return new PeerState(HeaderGrammar.canonical(addr), null, null, null, false, null, null);
    }
}
