package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaHeader;
import dev.kinbox.journal.sma.SmaMessage;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.Test;

/**
 * A device started again on its local log finds its folder gone while a retirement notice names it
 * ({@link FolderDoubt}, on the in-memory store): nothing creates the folder until the device's MUAA says
 * whether it was retired - here the test says it, as the MUAA would after reading the notices - or the
 * longest wait is up.
 */
class GoneFolderWaitTest {
    static final JournalFixture.Device A = JournalFixture.device();
    static final JournalFixture.Device B = JournalFixture.device();
    static final String PID_A = "sma|acct|" + A.id();
    static final String FOLDER_A = KinboxJournalRuntime.folderOf(PID_A);

    /**
     * A's first run on {@code store} uploads events 1..3; while it is stopped its folder goes and B's notice
     * naming it comes; then it is started again ({@link #startAgain}).
     */
    static final class Scene implements AutoCloseable {
        final MailStore store;
        final InMemoryLocalLog log = new InMemoryLocalLog();
        final AtomicInteger asks = new AtomicInteger();
        ActorSystem again;

        Scene(MailStore store) throws Exception {
            this(store, true);
        }

        /** {@code noticed}: with the notice; without it, a folder gone with nothing to say why (or a notice collected since). */
        Scene(MailStore store, boolean noticed) throws Exception {
            this.store = store;
            ActorSystem first = JournalFixture.system(store, JournalFixture.keyring(A, B), log);
            try {
                Journals.write(first, PID_A, 1, 3, 3);
                assertTrue(KinboxJournalRuntime.get(first).awaitUploaded(PID_A, Journals.WAIT));
            } finally {
                TestKit.shutdownActorSystem(first);
            }
            store.deleteFolder(FOLDER_A);
            if (noticed) notice();
        }

        /** B's notice naming A. The journal only looks for the header: whether the notice is to be trusted is the MUAA's to judge. */
        void notice() throws Exception {
            SmaHeader notice = SmaHeader.of(SmaHeader.Kind.DROP, B.id(), Map.of("type", "retire", "retired", A.id()));
            if (!store.listFolders().contains(SmaFolders.ANNOUNCEMENTS)) store.createFolder(SmaFolders.ANNOUNCEMENTS);
            store.append(SmaFolders.ANNOUNCEMENTS, SmaMessage.build(notice, "signed notice".getBytes(StandardCharsets.UTF_8), Clock.systemUTC()));
        }

        /**
         * B's retirement roll: its ids are in its signed body, so the journal cannot see whether it lists A; only that a
         * roll is there (docs/PROTOCOL.md, "Retirement rolls").
         */
        void roll() throws Exception {
            SmaHeader roll = SmaHeader.of(SmaHeader.Kind.DROP, B.id(), Map.of("type", "roll", "at", "1"));
            if (!store.listFolders().contains(SmaFolders.ANNOUNCEMENTS)) store.createFolder(SmaFolders.ANNOUNCEMENTS);
            store.append(SmaFolders.ANNOUNCEMENTS, SmaMessage.build(roll, "signed roll".getBytes(StandardCharsets.UTF_8), Clock.systemUTC()));
        }

        /** Started again (a recovery, which starts an upload run), its MUAA listening; it writes events 4..6 before the word. */
        KinboxJournalRuntime startAgain(String config) throws Exception {
            again = JournalFixture.system(store, JournalFixture.keyring(A, B), log, config);
            assertEquals(Journals.strings(1, 3), Journals.replay(again, PID_A));
            KinboxJournalRuntime rt = KinboxJournalRuntime.get(again);
            rt.onRetirementDoubt(A.id(), asks::incrementAndGet);
            Journals.write(again, PID_A, 4, 6, 3);
            return rt;
        }

        @Override public void close() {
            if (again != null) TestKit.shutdownActorSystem(again);
        }
    }

    @Test void folderGoneUnderANotice_isNotCreated_andOnceTheMuaaSaysRetired_staysGone() throws Exception {
        staysGoneOnceRetired(new MemoryMailStore());
    }

    /** The case above on {@code store}. */
    static void staysGoneOnceRetired(MailStore store) throws Exception {
        try (Scene s = new Scene(store)) {
            KinboxJournalRuntime rt = s.startAgain("");
            assertFalse(rt.uploadedThrough(PID_A, 6, Duration.ofSeconds(2)).get(), "nothing goes up before the word");
            assertFalse(store.listFolders().contains(FOLDER_A), "the folder was created before the word");
            assertEquals(1, s.asks.get(), "the MUAA was asked to read the notices, once");
            assertFalse(rt.watchPairingDrops(A.id(), () -> { }), "nor does the watch start, which would create it");

            rt.deviceRetired(A.id());
            long asked = System.nanoTime();
            assertFalse(rt.awaitUploaded(PID_A, Journals.WAIT), "events 4..6 stay local");
            assertTrue(System.nanoTime() - asked < Journals.WAIT.toNanos() / 2, "the waiting uploader halts at once on the word");
            assertFalse(store.listFolders().contains(FOLDER_A), "the retired device created its folder");
            assertEquals(0, rt.stats().foldersRepaired.sum(), "nothing uploaded again");
        }
    }

    /**
     * A device back after its notice was collected, and a sibling's roll there, which may list it: the loss is in doubt
     * as under a notice. Before rolls put it in doubt, the folder was rebuilt at once and the device's whole journal
     * uploaded into it, for its siblings to delete again.
     */
    @Test void folderGoneUnderNoNoticeButARoll_isNotCreated_andOnceTheMuaaSaysRetired_staysGone() throws Exception {
        try (Scene s = new Scene(new MemoryMailStore(), false)) {
            s.roll();
            KinboxJournalRuntime rt = s.startAgain("");
            assertFalse(rt.uploadedThrough(PID_A, 6, Duration.ofSeconds(2)).get(), "nothing goes up before the word");
            assertFalse(s.store.listFolders().contains(FOLDER_A), "the folder was created before the word");
            assertEquals(1, s.asks.get(), "the MUAA was asked to read the notices and rolls");
            rt.deviceRetired(A.id());
            assertFalse(rt.awaitUploaded(PID_A, Duration.ofSeconds(1)), "events 4..6 stay local");
            assertFalse(s.store.listFolders().contains(FOLDER_A));
            assertEquals(0, rt.stats().foldersRepaired.sum(), "nothing uploaded again");
        }
    }

    @Test void folderGoneUnderANotice_isRebuiltWithEverything_onceTheMuaaSaysNotRetired() throws Exception {
        try (Scene s = new Scene(new MemoryMailStore())) {
            KinboxJournalRuntime rt = s.startAgain("");
            assertFalse(rt.uploadedThrough(PID_A, 6, Duration.ofSeconds(1)).get());
            rt.deviceNotRetired(A.id()); // the notice did not verify, or its author is not a paired device
            assertTrue(rt.uploadedThrough(PID_A, 6, Journals.WAIT).get());
            Journals.assertCoversExactly(Journals.entries(s.store, PID_A), 6);
            assertEquals(1, rt.stats().foldersRepaired.sum(), "rebuilt as after a restore from an old backup");
            assertTrue(rt.watchPairingDrops(A.id(), () -> { }), "and watched");
        }
    }

    @Test void folderGoneUnderANotice_withNoWordAtAll_isRebuiltAfterTheLongestWait() throws Exception {
        try (Scene s = new Scene(new MemoryMailStore())) {
            long started = System.nanoTime();
            KinboxJournalRuntime rt = s.startAgain("kinbox.runtime.upload.gone-folder-wait = 1500ms");
            assertTrue(rt.uploadedThrough(PID_A, 6, Journals.WAIT).get(), "a device whose MUAA never answers is not held for good");
            assertTrue(System.nanoTime() - started >= Duration.ofMillis(1500).toNanos(), "rebuilt before the wait was up");
            Journals.assertCoversExactly(Journals.entries(s.store, PID_A), 6);
        }
    }

    /**
     * A device back after its notice was collected: nothing names it, so its folder is rebuilt at once. Its sibling then
     * renews the notice and deletes the folder again; that loss is in doubt, though the first was settled moments ago
     * (before, the device rebuilt its folder at each such deletion for {@code gone-folder-wait}; 3 times at seed 13 of
     * the simulator's run in docs/PROTOCOL.md, "A device back after its notice was collected").
     */
    @Test void folderGoneWithNoNotice_isRebuiltAtOnce_andGoneAgainUnderANoticeNow_waitsForTheWord() throws Exception {
        try (Scene s = new Scene(new MemoryMailStore(), false)) {
            KinboxJournalRuntime rt = s.startAgain("");
            assertTrue(rt.uploadedThrough(PID_A, 6, Journals.WAIT).get(), "rebuilt at once: nothing says why it went");
            assertEquals(1, rt.stats().foldersRepaired.sum());
            assertEquals(0, s.asks.get());

            s.notice(); // the sibling's check renews the notice, then deletes the folder
            s.store.deleteFolder(FOLDER_A);
            Journals.write(s.again, PID_A, 7, 9, 3);
            assertFalse(rt.uploadedThrough(PID_A, 9, Duration.ofSeconds(2)).get(), "nothing goes up before the word");
            assertFalse(s.store.listFolders().contains(FOLDER_A), "the folder was created again before the word");
            assertEquals(1, s.asks.get(), "the MUAA was asked to read the notices");
            assertEquals(1, rt.stats().foldersRepaired.sum(), "no second rebuild");
        }
    }
}
