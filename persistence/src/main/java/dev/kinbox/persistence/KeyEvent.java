package dev.kinbox.persistence;

import dev.kinbox.persistence.crdt.Bytes;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.persistence.crdt.Ids;

/** Events about the account's secret keys. */
public sealed interface KeyEvent extends AccountEvent {
    /** The key concerned. */
    String fingerprint();

    /** A device generated (or imported) an account key; its creation time is the event time. */
    record AccountKeyCreated(Dot dot, Hlc time, String fingerprint, Bytes secretKey) implements KeyEvent {
        public AccountKeyCreated {
            Events.meta(dot, time);
            Ids.requireFingerprint(fingerprint);
            if (secretKey == null) throw new IllegalArgumentException("secret key missing");
        }
    }

    /** An account key was revoked; it stays revoked under every merge. */
    record AccountKeyRevoked(Dot dot, Hlc time, String fingerprint) implements KeyEvent {
        public AccountKeyRevoked {
            Events.meta(dot, time);
            Ids.requireFingerprint(fingerprint);
        }
    }
}
