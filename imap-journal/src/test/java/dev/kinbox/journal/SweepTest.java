package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.CountingMailStore;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.query.KinboxReadJournal;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An idle live query looks at its sibling's folder at the watched sweep interval while the watch
 * that brings nudges runs, and at the plain one while it does not. The author here writes no nudges
 * (upload.nudge-siblings = off), so only sweeps can bring its entries.
 */
class SweepTest {
    static final JournalFixture.Device A = JournalFixture.device();
    static final JournalFixture.Device B = JournalFixture.device();
    final String pidA = "sma|acct|" + A.id();
    MemoryMailStore store;
    CountingMailStore readerStore;
    ActorSystem a;
    ActorSystem b;
    final List<Object> read = new CopyOnWriteArrayList<>();

    @BeforeEach void start() throws Exception {
        store = new MemoryMailStore();
        readerStore = new CountingMailStore(store, false);
        a = JournalFixture.system(store, JournalFixture.keyring(A, B), new InMemoryLocalLog(), "kinbox.runtime.upload.nudge-siblings = off");
        Journals.write(a, pidA, 1, 3, 3);
        assertTrue(KinboxJournalRuntime.get(a).awaitUploaded(pidA, Journals.WAIT));
    }

    @AfterEach void stop() {
        TestKit.shutdownActorSystem(a);
        if (b != null) TestKit.shutdownActorSystem(b);
        store.close();
    }

    /** Starts reader B with {@code config} and a live query of A's journal; waits until it read events 1..3. */
    void reader(String config) throws Exception {
        b = JournalFixture.system(readerStore, JournalFixture.keyring(B, A), new InMemoryLocalLog(), config);
        PersistenceQuery.get(b).getReadJournalFor(KinboxReadJournal.class, KinboxReadJournal.IDENTIFIER)
                .eventsByPersistenceId(pidA, 1, Long.MAX_VALUE).runWith(Sink.foreach(e -> read.add(e.event())), b);
        awaitRead(3, 10);
    }

    boolean watching() {
        return KinboxJournalRuntime.get(b).hostFor("sma|acct|" + B.id()).watchingNudges();
    }

    void awaitRead(int n, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (read.size() < n && System.nanoTime() < deadline) Thread.sleep(20);
    }

    @Test void anIdleReader_whoseNudgeWatchRuns_looksAtTheSiblingFolderOnlyAtTheWatchedSweep() throws Exception {
        reader("kinbox.query.sweep-interval = 200ms\nkinbox.query.watched-sweep-interval = 30s");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!watching() && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(watching(), "the nudge watch runs");
        Thread.sleep(500); // the step the watch's start may have woken
        long before = readerStore.operations();
        Thread.sleep(2_000);
        long looks = readerStore.operations() - before;
        // sweeping every 200 ms would be about 10 looks (a STATUS each) in these 2 s
        assertTrue(looks <= 1, "store operations of an idle reader in 2 s: " + looks);
    }

    @Test void anIdleReader_whoseSiblingsFolderEndsInExpungedMessages_onlyLooksAtIt_afterListingItTwice() throws Exception {
        reader("kinbox.query.watch-nudges = off\nkinbox.query.sweep-interval = 100ms\nkinbox.query.watched-sweep-interval = 30s");
        String folderA = KinboxJournalRuntime.folderOf(pidA);
        long uid = store.append(folderA, java.util.List.of(dev.kinbox.journal.mail.NewMessage.of(
                "Subject: taken\r\n\r\n-\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))).uids().get(0);
        store.delete(folderA, java.util.List.of(uid)); // as A does with the nudges it takes: the folder's newest UID is gone
        Thread.sleep(LateUids.SETTLED.toMillis() + 500); // absent from its listings for a second: expunged
        long before = readerStore.operationsByCommand().getOrDefault("FETCH", 0L);
        Thread.sleep(2_000);
        long fetches = readerStore.operationsByCommand().getOrDefault("FETCH", 0L) - before;
        // sweeping every 100 ms: about 20 looks in these 2 s; each used to list the headers past the reader's UID again
        assertTrue(fetches <= 1, "header listings of a quiet folder in 2 s: " + fetches);
        assertTrue(readerStore.operationsByCommand().getOrDefault("STATUS", 0L) >= 10, "the reader still looks");
    }

    @Test void anEntryWhoseNudgeWasNeverWritten_isReadAtTheWatchedSweep() throws Exception {
        reader("kinbox.query.sweep-interval = 200ms\nkinbox.query.watched-sweep-interval = 1s");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!watching() && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(watching(), "the nudge watch runs");
        Journals.write(a, pidA, 4, 5, 2);
        assertTrue(KinboxJournalRuntime.get(a).awaitUploaded(pidA, Journals.WAIT));
        awaitRead(5, 5);
        assertEquals(Journals.strings(1, 5), read, "the sweep brings what no nudge announced");
    }

    @Test void aReaderWithoutTheNudgeWatch_sweepsAtThePlainInterval() throws Exception {
        reader("kinbox.query.watch-nudges = off\nkinbox.query.sweep-interval = 200ms\nkinbox.query.watched-sweep-interval = 30s");
        assertTrue(!watching(), "no watch");
        long t0 = System.nanoTime();
        Journals.write(a, pidA, 4, 5, 2);
        assertTrue(KinboxJournalRuntime.get(a).awaitUploaded(pidA, Journals.WAIT));
        awaitRead(5, 10);
        assertEquals(Journals.strings(1, 5), read);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "read within the plain sweep, not the watched one");
    }
}
