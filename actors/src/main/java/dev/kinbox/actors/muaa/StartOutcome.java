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

    /** This device was retired (removed or expired) by a sibling: it must pair again as a new device. */
    record Retired(String deviceId) implements StartOutcome {}
}
