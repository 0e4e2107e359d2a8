package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import java.time.Duration;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The uploads of a device retired from its account ({@link KinboxJournalRuntime#deviceRetired}) on the
 * in-memory store: they go on into its folder while it is there, and never create it again once its
 * siblings' clean-up deleted it.
 */
class RetiredUploadsTest {
    static final JournalFixture.Device A = JournalFixture.device();
    static final JournalFixture.Device B = JournalFixture.device();
    MemoryMailStore store;
    ActorSystem a;
    final String pidA = "sma|acct|" + A.id();
    final String folderA = KinboxJournalRuntime.folderOf(pidA);

    @BeforeEach void start() {
        store = new MemoryMailStore();
        a = JournalFixture.system(store, JournalFixture.keyring(A, B), new InMemoryLocalLog());
    }

    @AfterEach void stop() {
        TestKit.shutdownActorSystem(a);
    }

    private KinboxJournalRuntime runtime() {
        return KinboxJournalRuntime.get(a);
    }

    @Test void retiredDevice_stillUploadsIntoItsFolder_whileTheFolderIsThere_andSettlesThoughAnAuditWasAsked() throws Exception {
        Journals.write(a, pidA, 1, 3, 3);
        assertTrue(runtime().awaitUploaded(pidA, Journals.WAIT));
        runtime().deviceRetired(A.id()); // a device leaving: its last events, its own retirement among them, must go up
        runtime().auditOwnFolder(pidA); // its liveness check asked for one just before: a retired device audits nothing
        Journals.write(a, pidA, 4, 6, 3);
        assertTrue(runtime().uploadedThrough(pidA, 6, Journals.WAIT).get());
        Journals.assertCoversExactly(Journals.entries(store, pidA), 6);
        assertTrue(runtime().awaitUploaded(pidA, Journals.WAIT), "the audit asked for keeps the uploads from settling (a leave's wait)");
    }

    @Test void retiredDevice_whoseFolderItsSiblingsDeleted_doesNotCreateItAgain_andKeepsWhatItWritesLocal() throws Exception {
        deletedFolderStaysDeleted(a, store, pidA);
    }

    /**
     * Device {@code pid}, hosted in {@code sys} on {@code store}, uploads, is retired, and its folder is deleted:
     * what it writes next stays local, the folder is not created again, and its uploads answer at once.
     */
    static void deletedFolderStaysDeleted(ActorSystem sys, MailStore store, String pid) throws Exception {
        KinboxJournalRuntime runtime = KinboxJournalRuntime.get(sys);
        String folder = KinboxJournalRuntime.folderOf(pid);
        Journals.write(sys, pid, 1, 3, 3);
        assertTrue(runtime.awaitUploaded(pid, Journals.WAIT));
        runtime.deviceRetired(SmaFolders.deviceOf(pid).orElseThrow());
        store.deleteFolder(folder); // a sibling's clean-up

        Journals.write(sys, pid, 4, 6, 3);
        assertFalse(runtime.uploadedThrough(pid, 6, Duration.ofSeconds(5)).get(), "nothing goes up once the folder is gone");
        assertFalse(store.listFolders().contains(folder), "the retired device created its folder again");
        long asked = System.nanoTime();
        assertFalse(runtime.awaitUploaded(pid, Journals.WAIT), "events 4..6 are not on the server");
        assertTrue(System.nanoTime() - asked < Journals.WAIT.toNanos() / 2, "a halted uploader answers at once, not after the wait");
        assertEquals(0, runtime.stats().foldersRepaired.sum(), "nothing uploaded again");
        assertEquals(Journals.strings(1, 6), Journals.replay(sys, pid), "what it wrote is kept in the local log");

        Journals.write(sys, pid, 7, 7, 1);
        Thread.sleep(200); // a halted uploader does not run again for a later write either
        assertFalse(store.listFolders().contains(folder), "the retired device created its folder again after a later write");
    }

    @Test void retiredDevice_startedAgain_doesNotCreateItsDeletedFolder_beforeItsMuaaCouldSaySo() throws Exception {
        InMemoryLocalLog log = new InMemoryLocalLog();
        ActorSystem first = JournalFixture.system(store, JournalFixture.keyring(A, B), log);
        try {
            Journals.write(first, pidA, 1, 3, 3);
            assertTrue(KinboxJournalRuntime.get(first).awaitUploaded(pidA, Journals.WAIT));
            KinboxJournalRuntime.get(first).deviceRetired(A.id());
        } finally {
            TestKit.shutdownActorSystem(first);
        }
        store.deleteFolder(folderA); // its siblings' clean-up while it was not running

        ActorSystem again = JournalFixture.system(store, JournalFixture.keyring(A, B), log);
        try {
            // a recovery: it reads the highest sequence number, which starts an upload run (here, nobody says "retired")
            assertEquals(Journals.strings(1, 3), Journals.replay(again, pidA));
            assertTrue(KinboxJournalRuntime.get(again).awaitUploaded(pidA, Journals.WAIT), "the run is over (nothing new was left to upload)");
            assertFalse(store.listFolders().contains(folderA), "the device retired in its earlier run created its folder again");
            assertEquals(0, KinboxJournalRuntime.get(again).stats().foldersRepaired.sum(), "nothing uploaded again");
            assertFalse(KinboxJournalRuntime.get(again).watchPairingDrops(A.id(), () -> { }), "nor does its watch start");
        } finally {
            TestKit.shutdownActorSystem(again);
        }
    }

    @Test void retiredDevice_stopsWatchingItsFolder_whichWouldCreateIt() throws Exception {
        Journals.write(a, pidA, 1, 1, 1);
        assertTrue(runtime().awaitUploaded(pidA, Journals.WAIT));
        assertTrue(runtime().watchPairingDrops(A.id(), () -> { }), "setup: the watch on A's folder runs");
        runtime().deviceRetired(A.id());
        store.deleteFolder(folderA);
        assertFalse(runtime().watchPairingDrops(A.id(), () -> { }), "a retired device's watch does not start again");
        Thread.sleep(300); // a watch still running would report the folder missing, and its uploader rebuild it
        assertFalse(store.listFolders().contains(folderA), "the retired device created its folder again");
    }
}
