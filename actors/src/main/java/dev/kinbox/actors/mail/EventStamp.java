package dev.kinbox.actors.mail;

import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;

/**
 * Where the events made by {@link MailAutocrypt#onIncoming} get their names and times. The MUAA
 * supplies one backed by its own sequence counter and {@code HybridClock}; this package never
 * reads a clock or a counter itself, so it stays pure.
 *
 * <p>Both methods are called once per event that is actually emitted, in emission order, so a
 * counter behind {@link #nextDot} stays gap-free.
 */
public interface EventStamp {
    /** The dot of the next event: this device and its next sequence number. */
    Dot nextDot();

    /** A fresh hybrid-logical-clock time for the next event. */
    Hlc now();
}
