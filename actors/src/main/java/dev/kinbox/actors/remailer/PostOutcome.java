package dev.kinbox.actors.remailer;

import java.util.List;

/**
 * What {@link RemailerPipeline#process} decided for one incoming mail. Every outcome carries the
 * roster events it caused (to be journaled, then folded) and the mail to send; the pipeline itself
 * sends nothing and changes nothing.
 */
public sealed interface PostOutcome {
    /** Events to persist and fold into the roster, in order. */
    List<RosterEvent> events();

    /** Mail to send, in order. */
    List<OutgoingMail> outgoing();

    /** Why a mail was refused or dropped. */
    enum Reason {
        /** A plaintext post while the list is {@code mandatory}. */
        PLAINTEXT_REFUSED,
        /** The sender is not subscribed. */
        NOT_SUBSCRIBED,
        /** Over {@link ListSettings#maxPostBytes}. */
        OVERSIZED,
        /** Not a mail, no single From, broken MIME or broken PGP/MIME. */
        MALFORMED,
        /** Encrypted, but not to the list's key. */
        NOT_ENCRYPTED_TO_LIST,
        /** Our own List-Id / X-Loop, our own From, or an automatic mail (bounce, auto-reply). */
        LOOP,
        /** More than the flood limit from one sender in the window. */
        FLOOD
    }

    /**
     * A post went out.
     *
     * @param deliveries one copy per subscriber that can read it
     * @param notices    missed-message notices (per-message mode; empty in digest mode)
     * @param encrypted  whether it was a re-wrapped encrypted post
     */
    record Delivered(List<RosterEvent> events, List<OutgoingMail> deliveries, List<OutgoingMail> notices,
                     boolean encrypted) implements PostOutcome {
        public Delivered {
            events = List.copyOf(events);
            deliveries = List.copyOf(deliveries);
            notices = List.copyOf(notices);
        }

        @Override public List<OutgoingMail> outgoing() {
            return java.util.stream.Stream.concat(deliveries.stream(), notices.stream()).toList();
        }
    }

    /** Not posted; the sender gets {@code reply} explaining why. */
    record Refused(Reason reason, String detail, List<RosterEvent> events, OutgoingMail reply) implements PostOutcome {
        public Refused {
            events = List.copyOf(events);
        }

        @Override public List<OutgoingMail> outgoing() { return List.of(reply); }
    }

    /** Not posted and nobody is told (replying would feed a loop or a flood, or there is nobody to reply to). */
    record Dropped(Reason reason, String detail, List<RosterEvent> events) implements PostOutcome {
        public Dropped {
            events = List.copyOf(events);
        }

        @Override public List<OutgoingMail> outgoing() { return List.of(); }
    }

    /** A {@code subscribe} / {@code unsubscribe} command was carried out (or was a no-op) and confirmed. */
    record CommandHandled(String command, List<RosterEvent> events, OutgoingMail reply) implements PostOutcome {
        public CommandHandled {
            events = List.copyOf(events);
        }

        @Override public List<OutgoingMail> outgoing() { return List.of(reply); }
    }
}
