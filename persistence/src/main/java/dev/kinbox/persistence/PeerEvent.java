package dev.kinbox.persistence;

import dev.kinbox.persistence.crdt.Bytes;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.persistence.crdt.Ids;
import java.time.Instant;
import java.util.List;

/**
 * Events about correspondents (the Autocrypt peer keyring and the user's decisions). Addresses are
 * canonicalised (trimmed, lowercased) on construction. Effective dates follow Autocrypt Level 1:
 * see {@link #effectiveDate}.
 */
public sealed interface PeerEvent extends AccountEvent {
    /** The canonical peer address. */
    String address();

    /**
     * The Autocrypt Level 1 effective date of a message: its {@code Date} header, unless that is
     * absent or later than the time the message was first received, in which case the receipt time.
     */
    static long effectiveDate(Instant dateHeader, Instant firstReceived) {
        if (dateHeader == null || dateHeader.isAfter(firstReceived)) return firstReceived.toEpochMilli();
        return dateHeader.toEpochMilli();
    }

    /** A message from the peer without a usable Autocrypt header (moves {@code last_seen} only). */
    record PeerMailSeen(Dot dot, Hlc time, String address, long effectiveDate) implements PeerEvent {
        public PeerMailSeen {
            Events.meta(dot, time);
            address = Ids.canonicalAddress(address);
        }
    }

    /** A message from the peer with a valid Autocrypt header. */
    record PeerAutocryptSeen(Dot dot, Hlc time, String address, long effectiveDate, String fingerprint,
                             Bytes keydata, PreferEncrypt preferEncrypt) implements PeerEvent {
        public PeerAutocryptSeen {
            Events.meta(dot, time);
            address = Ids.canonicalAddress(address);
            Ids.requireFingerprint(fingerprint);
            if (keydata == null || preferEncrypt == null) throw new IllegalArgumentException("autocrypt header incomplete");
        }
    }

    /** A valid {@code Autocrypt-Gossip} header for the peer in an encrypted message. */
    record PeerGossipSeen(Dot dot, Hlc time, String address, long effectiveDate, String fingerprint, Bytes keydata)
            implements PeerEvent {
        public PeerGossipSeen {
            Events.meta(dot, time);
            address = Ids.canonicalAddress(address);
            Ids.requireFingerprint(fingerprint);
            if (keydata == null) throw new IllegalArgumentException("gossip keydata missing");
        }
    }

    /** The user verified {@code fingerprint} for the peer (OR-set add). */
    record PeerKeyVerified(Dot dot, Hlc time, String address, String fingerprint) implements PeerEvent {
        public PeerKeyVerified {
            Events.meta(dot, time);
            address = Ids.canonicalAddress(address);
            Ids.requireFingerprint(fingerprint);
        }
    }

    /** The user withdrew a verification; removes the adds it {@code observed}, not concurrent ones. */
    record PeerVerificationWithdrawn(Dot dot, Hlc time, String address, String fingerprint, List<Dot> observed)
            implements PeerEvent {
        public PeerVerificationWithdrawn {
            Events.meta(dot, time);
            address = Ids.canonicalAddress(address);
            Ids.requireFingerprint(fingerprint);
            observed = Events.observed(observed);
        }
    }

    /** The user blocked or unblocked the peer (last writer wins). */
    record PeerBlockChanged(Dot dot, Hlc time, String address, boolean blocked) implements PeerEvent {
        public PeerBlockChanged {
            Events.meta(dot, time);
            address = Ids.canonicalAddress(address);
        }
    }
}
