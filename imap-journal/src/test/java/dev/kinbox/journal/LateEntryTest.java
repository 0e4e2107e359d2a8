package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.query.KinboxReadJournal;
import dev.kinbox.journal.sma.SmaHeader;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An entry the server shows only after a message with a higher UID (GreenMail does this with
 * concurrent APPENDs to one folder): the reader still reads it, in order, and reports no gap.
 */
class LateEntryTest {
    static final JournalFixture.Device A = JournalFixture.device();
    static final JournalFixture.Device B = JournalFixture.device();
    static final JournalFixture.Device STRANGER = JournalFixture.device();
    final String pidA = "sma|acct|" + A.id();
    final String folderA = KinboxJournalRuntime.folderOf(pidA);
    MemoryMailStore store;
    InMemoryLocalLog logB;
    ActorSystem a;
    ActorSystem b;

    @BeforeEach void start() {
        store = new MemoryMailStore();
        logB = new InMemoryLocalLog();
        a = JournalFixture.system(store, JournalFixture.keyring(A, B), new InMemoryLocalLog());
        b = JournalFixture.system(store, JournalFixture.keyring(B, A), logB, "kinbox.query.sweep-interval = 30s");
    }

    @AfterEach void stop() {
        TestKit.shutdownActorSystem(a);
        TestKit.shutdownActorSystem(b);
    }

    @Test void current_entryShownLate_isReadByTheNextQuery_evenWithNothingWrittenAfterIt() throws Exception {
        writeAndUpload(1, 3);
        assertEquals(Journals.strings(1, 3), payloads(current(1)));
        long late = writeAndHide(4, 6);
        assertEquals(List.of(), payloads(current(4)), "nothing to read yet: the entry is not shown");
        store.faults().reveal(folderA);
        assertEquals(Journals.strings(4, 6), payloads(current(4)), "the reader's UID cursor stayed below the hole it had not seen before");
        assertTrue(cursorUid() >= late, "and moves on once it has read it");
    }

    @Test void live_entryShownLateAfterTheReaderPassedItsUid_isReadInOrderWhenTheNextEntryArrives() throws Exception {
        writeAndUpload(1, 3);
        long late = writeAndHide(4, 6);
        ConcurrentLinkedQueue<EventEnvelope> got = new ConcurrentLinkedQueue<>();
        readJournal().eventsByPersistenceId(pidA, 1, Long.MAX_VALUE).runWith(Sink.foreach(got::add), b);
        ReadJournalTest.awaitSize(got, 3);
        // the hole is new at the first listing, seen again at the next: then the reader passes it, as it
        // passes any expunged message (what a server that shows the entry only much later leads to)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (cursorUid() <= late && System.nanoTime() < deadline) {
            KinboxJournalRuntime.get(b).wakeQueries();
            Thread.sleep(50);
        }
        assertTrue(cursorUid() > late, "the reader passed the hidden entry's UID: " + cursorUid());
        writeAndUpload(7, 9);
        store.faults().reveal(folderA);
        KinboxJournalRuntime.get(b).wakeQueries();
        ReadJournalTest.awaitSize(got, 9);
        assertEquals(Journals.strings(1, 9), payloads(List.copyOf(got)), "in order, nothing missing");
        assertEquals(0, KinboxJournalRuntime.get(b).stats().gaps.sum(), "no gap reported: the entry was listed again before");
    }

    /** Writes and uploads {@code from..to} as one entry, hides it, then shows a higher UID; returns the hidden entry's UID. */
    private long writeAndHide(long from, long to) throws Exception {
        writeAndUpload(from, to);
        long uid = Journals.entries(store, pidA).stream().filter(e -> e.from() == from).findFirst().orElseThrow().uid();
        store.faults().hide(folderA, uid);
        // a higher UID the reader does see: here an entry in another device's name (skipped and counted)
        Sealer stranger = new Sealer(JournalFixture.CRYPTO, JournalFixture.keyring(STRANGER, B));
        byte[] body = EntryCodec.encode(new EntryCodec.JournalBody(1, pidA, STRANGER.id(), 100, 100,
                List.of(new EntryCodec.StoredEvent(100, 20, "", "foreign".getBytes(), "", "w", 0, null, true))));
        SmaHeader h = SmaHeader.of(SmaHeader.Kind.JOURNAL, STRANGER.id(), Map.of("from", "100", "to", "100"));
        assertTrue(store.faults().inject(folderA, SmaMail.build(h, stranger.seal(body), java.time.Clock.systemUTC())) > uid);
        return uid;
    }

    private void writeAndUpload(long from, long to) throws Exception {
        Journals.write(a, pidA, from, to, (int) (to - from + 1));
        assertTrue(KinboxJournalRuntime.get(a).awaitUploaded(pidA, Journals.WAIT));
    }

    private long cursorUid() {
        return Cursors.get(logB, Cursors.query(pidA)).map(c -> c.lastUid()).orElse(0L);
    }

    private KinboxReadJournal readJournal() {
        return PersistenceQuery.get(b).getReadJournalFor(KinboxReadJournal.class, KinboxReadJournal.IDENTIFIER);
    }

    private List<EventEnvelope> current(long from) throws Exception {
        return readJournal().currentEventsByPersistenceId(pidA, from, Long.MAX_VALUE).runWith(Sink.seq(), b)
                .toCompletableFuture().get(15, TimeUnit.SECONDS);
    }

    private static List<Object> payloads(List<EventEnvelope> es) {
        return es.stream().map(EventEnvelope::event).toList();
    }
}
