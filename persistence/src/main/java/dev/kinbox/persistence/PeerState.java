package dev.kinbox.persistence;

import dev.kinbox.persistence.crdt.Lattice;
import dev.kinbox.persistence.crdt.LwwRegister;

/**
 * The Autocrypt peer state of one canonical address, made commutative: {@code last_seen} is a max
 * register, the Autocrypt and gossip keys are registers ordered by (effective date, fingerprint),
 * and the user's block is an HLC last-writer-wins flag. Absent parts are {@code null} (keeps 10,000
 * peers lean).
 *
 * @param lastSeen  latest effective date of any mail from the peer, or {@link #NEVER}
 * @param autocrypt latest Autocrypt header key, or null
 * @param gossip    latest gossiped key, or null
 * @param blocked   the user's block decision, or null
 */
public record PeerState(long lastSeen, AutocryptKey autocrypt, GossipKey gossip, LwwRegister<Boolean> blocked)
        implements Lattice<PeerState> {
    /** {@link #lastSeen} of a peer only known by gossip or decisions. */
    public static final long NEVER = Long.MIN_VALUE;

    /** Whether the user blocked this peer. */
    public boolean userBlocked() {
        return blocked != null && blocked.value();
    }

    @Override
    public PeerState join(PeerState o) {
        long ls = Math.max(lastSeen, o.lastSeen);
        AutocryptKey ac = AutocryptKey.max(autocrypt, o.autocrypt);
        GossipKey g = GossipKey.max(gossip, o.gossip);
        LwwRegister<Boolean> b = LwwRegister.join(blocked, o.blocked);
        if (ls == lastSeen && ac == autocrypt && g == gossip && b == blocked) return this;
        if (ls == o.lastSeen && ac == o.autocrypt && g == o.gossip && b == o.blocked) return o;
        return new PeerState(ls, ac, g, b);
    }
}
