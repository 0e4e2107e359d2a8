package dev.kinbox.actors.muaa;

import java.util.List;

/** What {@link Muaa.Start} found and did; a typed status for the embedding application. */
public sealed interface StartOutcome {
    /** This device's id. */
    String deviceId();

    /**
     * No other device had announced: this one created the folders and the account key. {@code unannounced}:
     * the other devices whose folders the account holds though none of them has a valid announcement -
     * devices that left or were retired not long ago, or devices the provider hides by deleting or altering
     * their announcements. When it is not empty, tell the user: if they have another device in this
     * account, pair this one with it (the two states merge, docs/PROTOCOL.md "Announcements and bootstrap").
     */
    record Bootstrapped(String deviceId, String accountKeyFingerprint, List<String> unannounced) implements StartOutcome {
        public Bootstrapped {
            unannounced = List.copyOf(unannounced);
        }

        /** An account with no trace of another device. */
        public Bootstrapped(String deviceId, String accountKeyFingerprint) {
            this(deviceId, accountKeyFingerprint, List.of());
        }
    }

    /** This device was already paired; replication runs with {@code siblings} paired devices. */
    record Running(String deviceId, int siblings) implements StartOutcome {}

    /** Other devices have announced (verified): this one announced itself and must now pair with one of them. */
    record AwaitingPairing(String deviceId, List<Announcement> others) implements StartOutcome {
        public AwaitingPairing {
            others = List.copyOf(others);
        }
    }

    /**
     * This device was retired (removed, expired, or it left): it no longer reads or writes the
     * account and must pair again as a new device, with a new device key. {@code reason} says by whom
     * and when, as far as this device can tell.
     */
    record Retired(String deviceId, String reason) implements StartOutcome {
        public Retired(String deviceId) {
            this(deviceId, "this device was retired");
        }
    }
}
