package dev.kinbox.actors.remailer;

import dev.kinbox.persistence.crdt.Hlc;
import java.util.List;

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

    /**
     * Some copies of the post known by {@code postKey} went out before its delivery failed part-way
     * ({@link OutgoingMail#copyId}s, at most {@link #MAX_COPIES} per event): a retry, by any instance,
     * sends only the others.
     */
    record CopiesSent(Hlc hlc, String postKey, List<String> copies) implements ListEvent {
        /** Most copy ids in one event; more are split over several. */
        public static final int MAX_COPIES = 1000;

        public CopiesSent {
            if (hlc == null || postKey == null || postKey.isEmpty() || postKey.length() > 1000 || copies == null
                    || copies.isEmpty() || copies.size() > MAX_COPIES) {
                throw new IllegalArgumentException("hlc, a post key of 1..1000 characters and 1.." + MAX_COPIES + " copies are required");
            }
            copies = List.copyOf(copies);
            for (String c : copies) {
                if (c.isEmpty() || c.length() > 400) throw new IllegalArgumentException("a copy id has 1..400 characters");
            }
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
