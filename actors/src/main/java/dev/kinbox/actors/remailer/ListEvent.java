package dev.kinbox.actors.remailer;

import dev.kinbox.persistence.crdt.Hlc;

/**
 * What a remailer instance journals (on {@code kinbox.journal}, persistence id
 * {@link RosterActor#persistenceId}): roster changes and finished posts, each stamped with the hybrid
 * logical clock of the instance that made it ({@code hlc.node()} = that instance's device id). The
 * stamp gives every event of every instance one total order, which is what {@link ListLog} folds in.
 */
public sealed interface ListEvent {
    /** Who made it and when: unique per event, increasing per instance. */
    Hlc hlc();

    /** A roster change (the pipeline's or an admin's). */
    record Changed(Hlc hlc, RosterEvent event) implements ListEvent {
        public Changed {
            if (hlc == null || event == null) throw new IllegalArgumentException("hlc and event are required");
        }
    }

    /** The post known by {@code postKey} was handled (sent or refused) and must never go out again. */
    record PostDone(Hlc hlc, String postKey) implements ListEvent {
        public PostDone {
            if (hlc == null || postKey == null || postKey.isEmpty() || postKey.length() > 1000) {
                throw new IllegalArgumentException("hlc and a post key of 1..1000 characters are required");
            }
        }
    }
}
