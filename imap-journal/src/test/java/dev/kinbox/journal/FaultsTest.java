package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MemoryFaults;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.query.KinboxReadJournal;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
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
 * Faults on the in-memory store, each checked with "no acknowledged event lost, none duplicated,
 * none forged emitted": connections dropped mid-APPEND and mid-FETCH during a burst, a server that
 * reorders, alters, deletes and injects entries, a UIDVALIDITY reset under the uploader.
 */
class FaultsTest {
    static final JournalFixture.Device A = JournalFixture.device();
    static final JournalFixture.Device B = JournalFixture.device();
    MemoryMailStore store;
    ActorSystem a;
    ActorSystem b;
    final String pid = "sma|acct|" + A.id();
    final String folder = KinboxJournalRuntime.folderOf(pid);

    @BeforeEach void start() {
        store = new MemoryMailStore(java.time.Clock.systemUTC(), new Random(7));
        a = JournalFixture.system(store, JournalFixture.keyring(A, B), new InMemoryLocalLog(), "kinbox.runtime.upload.max-events-per-message = 10");
        b = JournalFixture.system(store, JournalFixture.keyring(B, A), new InMemoryLocalLog(), "kinbox.query.sweep-interval = 50ms");
    }

    @AfterEach void stop() {
        TestKit.shutdownActorSystem(a);
        TestKit.shutdownActorSystem(b);
    }

    @Test void burst_connectionsDroppedBeforeAndAfterApply_nothingLostOrDuplicated() throws Exception {
        Random r = new Random(42);
        CompletableFuture<List<EventEnvelope>> live = PersistenceQuery.get(b)
                .getReadJournalFor(KinboxReadJournal.class, KinboxReadJournal.IDENTIFIER)
                .eventsByPersistenceId(pid, 1, 200).runWith(Sink.seq(), b).toCompletableFuture();
        for (int round = 0; round < 20; round++) {
            store.faults().dropConnections(1 + r.nextInt(3), r.nextBoolean() ? MemoryFaults.DropPoint.AFTER_APPLY : MemoryFaults.DropPoint.BEFORE_APPLY);
            Journals.write(a, pid, round * 10L + 1, round * 10L + 10, 1 + r.nextInt(4));
            Thread.sleep(r.nextInt(10));
        }
        store.faults().dropConnections(0, MemoryFaults.DropPoint.BEFORE_APPLY);
        assertEquals(Journals.strings(1, 200), live.get(60, TimeUnit.SECONDS).stream().map(EventEnvelope::event).toList(),
                "a live reader through dropped FETCHes");
        Checks.noLossNoDuplicateNoForgery(a, b, pid, 200);
        JournalStats sa = KinboxJournalRuntime.get(a).stats(), sb = KinboxJournalRuntime.get(b).stats();
        assertTrue(sa.uploadFailures.sum() + sa.nudgeFailures.sum() + sb.readFailures.sum() + sb.nudgeFailures.sum() + sa.readFailures.sum() > 0,
                "the dropped connections hit the uploader or the reader");
    }

    @Test void server_reordersFolder_readerStillInOrderWithoutDuplicates() throws Exception {
        Journals.write(a, pid, 1, 40, 3);
        assertTrue(KinboxJournalRuntime.get(a).awaitUploaded(pid, Journals.WAIT));
        store.faults().reorder(folder);
        Journals.write(a, pid, 41, 50, 5);
        Checks.noLossNoDuplicateNoForgery(a, b, pid, 50);
    }

    @Test void server_altersEntry_itIsSkippedAndTheGapReported() throws Exception {
        for (int i = 0; i < 3; i++) {
            Journals.write(a, pid, i * 3 + 1, i * 3 + 3, 3);
            assertTrue(KinboxJournalRuntime.get(a).awaitUploaded(pid, Journals.WAIT));
        }
        ServerFolder.Entry middle = Journals.entries(store, pid).stream().filter(e -> e.from() == 4).findFirst().orElseThrow();
        store.faults().alter(folder, middle.uid(), raw -> {
            byte[] c = raw.clone();
            c[c.length - 10] = (byte) (c[c.length - 10] == 'A' ? 'B' : 'A'); // one base64 character of the ciphertext
            return c;
        });
        List<Object> read = Checks.readAll(b, pid).stream().map(EventEnvelope::event).toList();
        assertEquals(List.of("e-1", "e-2", "e-3", "e-7", "e-8", "e-9"), read, "altered entry never emitted");
        JournalStats s = KinboxJournalRuntime.get(b).stats();
        assertEquals(1, s.untrusted.sum() + s.malformed.sum());
        assertEquals(1, s.gaps.sum());
    }

    @Test void server_uidValidityReset_uploaderAndReaderCarryOn() throws Exception {
        Journals.write(a, pid, 1, 20, 4);
        assertTrue(KinboxJournalRuntime.get(a).awaitUploaded(pid, Journals.WAIT));
        assertEquals(Journals.strings(1, 20), Checks.readAll(b, pid).stream().map(EventEnvelope::event).toList());
        store.faults().resetUidValidity(folder);
        Journals.write(a, pid, 21, 30, 4);
        Checks.noLossNoDuplicateNoForgery(a, b, pid, 30);
    }

    @Test void server_slowAndFlaky_writesNeverWaitForIt() throws Exception {
        store.faults().latency(Duration.ofMillis(200));
        long t0 = System.nanoTime();
        Journals.write(a, pid, 1, 50, 1);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 2_000, "50 acknowledged writes took " + ms + " ms with a 200 ms server");
        store.faults().latency(Duration.ZERO);
        Checks.noLossNoDuplicateNoForgery(a, b, pid, 50);
    }
}
