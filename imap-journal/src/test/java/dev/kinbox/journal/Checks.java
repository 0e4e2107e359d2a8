package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.query.KinboxReadJournal;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;

/** The fault tests' check: no acknowledged event lost, none duplicated, none forged emitted. */
final class Checks {
    private Checks() {}

    static List<EventEnvelope> readAll(ActorSystem reader, String pid) throws Exception {
        return PersistenceQuery.get(reader).getReadJournalFor(KinboxReadJournal.class, KinboxReadJournal.IDENTIFIER)
                .currentEventsByPersistenceId(pid, 1, Long.MAX_VALUE).runWith(Sink.seq(), reader).toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
    }

    /**
     * Everything acknowledged ({@code e-1..e-n}) replays locally, is on the server exactly once
     * (entries cover 1..n without overlap) and is emitted by a sibling's read journal exactly once, in
     * order, and nothing else is.
     */
    static void noLossNoDuplicateNoForgery(ActorSystem author, ActorSystem reader, String pid, long n) throws Exception {
        assertTrue(KinboxJournalRuntime.get(author).awaitUploaded(pid, java.time.Duration.ofSeconds(60)), "backlog uploaded");
        assertEquals(Journals.strings(1, n), Journals.replay(author, pid), "local replay");
        Journals.assertCoversExactly(Journals.entries(KinboxJournalRuntime.get(author).mailStore(), pid), n);
        List<Object> read = readAll(reader, pid).stream().map(EventEnvelope::event).toList();
        assertEquals(Journals.strings(1, n), read, "sibling's read journal");
    }
}
