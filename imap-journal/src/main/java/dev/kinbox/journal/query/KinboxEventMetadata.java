package dev.kinbox.journal.query;

import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import java.util.Optional;

/**
 * What the read journal knows about an emitted event, carried as the {@code EventEnvelope}'s
 * {@code eventMetadata}: the device that wrote it (verified signer of its journal entry), its dot
 * (origin, sequence number) and its hybrid-logical-clock time where the payload has one
 * (Kinbox {@code AccountEvent}s do).
 *
 * @param origin the author device id
 * @param dot    (origin, sequence number); an {@code AccountEvent}'s own dot where it is one
 * @param hlc    the payload's HLC time, if it has one
 * @param notSealedTo on a snapshot and on the last event of a journal entry: the reader's paired
 *                    siblings (author excluded) the message was not sealed to - its author did not
 *                    know them yet - so they cannot read it from the author's folder; empty otherwise
 */
public record KinboxEventMetadata(String origin, Dot dot, Optional<Hlc> hlc, java.util.Set<String> notSealedTo) {
    public KinboxEventMetadata {
        notSealedTo = java.util.Set.copyOf(notSealedTo);
    }

    /** An event everyone it concerns could read where it came from. */
    public KinboxEventMetadata(String origin, Dot dot, Optional<Hlc> hlc) {
        this(origin, dot, hlc, java.util.Set.of());
    }
}
