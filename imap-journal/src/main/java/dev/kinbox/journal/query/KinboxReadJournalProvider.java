package dev.kinbox.journal.query;

import com.typesafe.config.Config;
import dev.kinbox.journal.KinboxJournalRuntime;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.ReadJournalProvider;
import org.apache.pekko.stream.scaladsl.Source;

/** Registers {@link KinboxReadJournal} as {@code kinbox.query}; the scaladsl side delegates to it. */
public final class KinboxReadJournalProvider implements ReadJournalProvider {
    private final KinboxReadJournal javadsl;

    public KinboxReadJournalProvider(ExtendedActorSystem system, Config config) {
        this.javadsl = new KinboxReadJournal(KinboxJournalRuntime.get(system));
    }

    @Override public KinboxReadJournal javadslReadJournal() {
        return javadsl;
    }

    @Override public org.apache.pekko.persistence.query.scaladsl.ReadJournal scaladslReadJournal() {
        return new Scaladsl();
    }

    private final class Scaladsl implements org.apache.pekko.persistence.query.scaladsl.EventsByPersistenceIdQuery,
            org.apache.pekko.persistence.query.scaladsl.CurrentEventsByPersistenceIdQuery {
        @Override public Source<EventEnvelope, NotUsed> eventsByPersistenceId(String pid, long from, long to) {
            return javadsl.eventsByPersistenceId(pid, from, to).asScala();
        }

        @Override public Source<EventEnvelope, NotUsed> currentEventsByPersistenceId(String pid, long from, long to) {
            return javadsl.currentEventsByPersistenceId(pid, from, to).asScala();
        }
    }
}
