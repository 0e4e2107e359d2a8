package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.query.KinboxReadJournal;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.Test;

/**
 * A read that fails part-way - the connection drops on the second FETCH of a step, after the first
 * brought events - must not move the reader past the events it fetched but never emitted: the
 * next step reads them again (found by the provider-attack tests; a provider can cut connections).
 */
class ReaderStoreFailureTest {
    static final JournalFixture.Device A = JournalFixture.device();
    static final JournalFixture.Device B = JournalFixture.device();

    /** {@code store}, except that its {@code n}-th full FETCH fails with a lost connection. */
    static MailStore failingFullFetch(MailStore store, int n) {
        AtomicInteger fullFetches = new AtomicInteger();
        return (MailStore) Proxy.newProxyInstance(MailStore.class.getClassLoader(), new Class<?>[] {MailStore.class}, (proxy, m, args) -> {
            if (m.getName().equals("fetch") && args[2] == Fetch.FULL && fullFetches.incrementAndGet() == n) {
                throw new MailStoreException.ConnectionLost("connection dropped by the test", null);
            }
            try {
                return m.invoke(store, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    @Test void connectionLostOnTheSecondFetchOfAStep_losesNoEvent() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        String pidA = "sma|acct|" + A.id();
        ActorSystem a = JournalFixture.system(store, JournalFixture.keyring(A, B), new InMemoryLocalLog());
        ActorSystem b = JournalFixture.system(failingFullFetch(store, 2), JournalFixture.keyring(B, A), new InMemoryLocalLog(),
                "kinbox.query.max-fetch = 2");
        try {
            for (long i = 1; i <= 6; i++) { // six entries of one event: three FETCHes of two in one step
                Journals.write(a, pidA, i, i, 1);
                assertTrue(KinboxJournalRuntime.get(a).awaitUploaded(pidA, Journals.WAIT));
            }
            assertEquals(6, Journals.entries(store, pidA).size());
            KinboxReadJournal q = PersistenceQuery.get(b).getReadJournalFor(KinboxReadJournal.class, KinboxReadJournal.IDENTIFIER);
            List<EventEnvelope> read = q.eventsByPersistenceId(pidA, 1, Long.MAX_VALUE).take(6).runWith(Sink.seq(), b)
                    .toCompletableFuture().get(15, TimeUnit.SECONDS);
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), read.stream().map(EventEnvelope::sequenceNr).toList());
            assertTrue(KinboxJournalRuntime.get(b).stats().readFailures.sum() >= 1, "the failed read was counted");
        } finally {
            TestKit.shutdownActorSystem(a);
            TestKit.shutdownActorSystem(b);
        }
    }
}
