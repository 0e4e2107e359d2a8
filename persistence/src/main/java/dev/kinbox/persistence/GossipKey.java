package dev.kinbox.persistence;

import dev.kinbox.persistence.crdt.Bytes;
import dev.kinbox.persistence.crdt.Ids;
import java.util.Comparator;

/**
 * The Autocrypt Level 1 gossip register ({@code gossip_timestamp}, {@code gossip_key}) of one peer:
 * latest effective date wins, ties broken by fingerprint, then key bytes.
 *
 * @param timestamp   effective date of the message that carried the gossip, epoch millis
 * @param fingerprint 40 uppercase hex digits
 * @param keydata     the gossiped keydata, opaque here
 */
public record GossipKey(long timestamp, String fingerprint, Bytes keydata) implements Comparable<GossipKey> {
    private static final Comparator<GossipKey> ORDER = Comparator.comparingLong(GossipKey::timestamp)
            .thenComparing(GossipKey::fingerprint).thenComparing(GossipKey::keydata);

    public GossipKey {
        Ids.requireFingerprint(fingerprint);
        if (keydata == null) throw new IllegalArgumentException("gossip key missing");
    }

    @Override
    public int compareTo(GossipKey o) {
        return ORDER.compare(this, o);
    }

    static GossipKey max(GossipKey a, GossipKey b) {
        return a == null ? b : b == null || a.compareTo(b) >= 0 ? a : b;
    }
}
