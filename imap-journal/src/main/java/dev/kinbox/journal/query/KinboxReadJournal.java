package dev.kinbox.journal.query;

import dev.kinbox.journal.KinboxJournalRuntime;
import org.apache.pekko.NotUsed;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.EventsByPersistenceIdQuery;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The {@code kinbox.query} read journal (javadsl): the events of any persistence id of the account
 * read from its SMA folder on the server (a sibling's journal, the replication source), verified
 * and decrypted. Obtain it with
 * {@code PersistenceQuery.get(system).getReadJournalFor(KinboxReadJournal.class, KinboxReadJournal.IDENTIFIER)}.
 *
 * <p>Envelopes carry the sequence number as offset ({@code Offset.sequence}) and a
 * {@link KinboxEventMetadata} as event metadata. Where the author compacted entries away, the
 * UIDVALIDITY changed, or entries were withheld, the author's snapshot arrives as a
 * {@link SiblingSnapshot} event. Entries that do not decrypt or are not signed by a paired device
 * are skipped, counted ({@code KinboxJournalRuntime.stats()}) and logged, never emitted.
 */
public final class KinboxReadJournal implements EventsByPersistenceIdQuery, CurrentEventsByPersistenceIdQuery {
    /** The plugin id in configuration. */
    public static final String IDENTIFIER = "kinbox.query";

    private final KinboxJournalRuntime runtime;

    KinboxReadJournal(KinboxJournalRuntime runtime) {
        this.runtime = runtime;
    }

    /** Live: never completes; woken by nudges in our own folder and a periodic STATUS sweep. */
    @Override
    public Source<EventEnvelope, NotUsed> eventsByPersistenceId(String persistenceId, long fromSequenceNr, long toSequenceNr) {
        return runtime.events(persistenceId, fromSequenceNr, toSequenceNr, true);
    }

    /**
     * Live, read by the hosted device {@code readerDeviceId}: for ActorSystems that host several
     * devices ({@code KinboxJournalRuntime.addDevice}), where "who reads" is not implied.
     */
    public Source<EventEnvelope, NotUsed> eventsByPersistenceId(String readerDeviceId, String persistenceId, long fromSequenceNr,
                                                                long toSequenceNr) {
        return runtime.events(readerDeviceId, persistenceId, fromSequenceNr, toSequenceNr, true);
    }

    /** What the folder holds now, read by the hosted device {@code readerDeviceId}, then completes. */
    public Source<EventEnvelope, NotUsed> currentEventsByPersistenceId(String readerDeviceId, String persistenceId, long fromSequenceNr,
                                                                       long toSequenceNr) {
        return runtime.events(readerDeviceId, persistenceId, fromSequenceNr, toSequenceNr, false);
    }

    /** What the folder holds now, then completes. */
    @Override
    public Source<EventEnvelope, NotUsed> currentEventsByPersistenceId(String persistenceId, long fromSequenceNr, long toSequenceNr) {
        return runtime.events(persistenceId, fromSequenceNr, toSequenceNr, false);
    }
}
