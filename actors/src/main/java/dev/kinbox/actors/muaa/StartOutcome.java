package dev.kinbox.actors.muaa;

import java.util.List;

/** What {@link Muaa.Start} found and did; a typed status for the embedding application. */
public sealed interface StartOutcome {
    /** This device's id. */
    String deviceId();

    /** No other device had announced: this one created the folders and the account key. */
    record Bootstrapped(String deviceId, String accountKeyFingerprint) implements StartOutcome {}

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
