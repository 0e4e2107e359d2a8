package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.query.KinboxReadJournal;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.SaveSnapshotSuccess;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotProtocol;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The author's audit of its own folder ({@link KinboxJournalRuntime#auditOwnFolder}) on the in-memory
 * store, author A and reader B: what the provider deletes, or alters by storing a changed copy, goes up
 * again, and nothing is uploaded again while the folder holds everything.
 */
class OwnFolderAuditTest {
    static final JournalFixture.Device A = JournalFixture.device();
    static final JournalFixture.Device B = JournalFixture.device();
    MemoryMailStore store;
    ActorSystem a;
    ActorSystem b;
    final String pidA = "sma|acct|" + A.id();
    final String folderA = KinboxJournalRuntime.folderOf(pidA);

    @BeforeEach void start() {
        store = new MemoryMailStore();
        a = JournalFixture.system(store, JournalFixture.keyring(A, B), new InMemoryLocalLog());
        b = JournalFixture.system(store, JournalFixture.keyring(B, A), new InMemoryLocalLog(), "kinbox.query.sweep-interval = 200ms");
    }

    @AfterEach void stop() {
        TestKit.shutdownActorSystem(a);
        TestKit.shutdownActorSystem(b);
    }

    private void writeAndUpload(long from, long to, int batch) throws Exception {
        Journals.write(a, pidA, from, to, batch);
        assertTrue(KinboxJournalRuntime.get(a).awaitUploaded(pidA, Journals.WAIT));
    }

    /** A's entries 1..3, 4..6 and 7..9. */
    private void uploadThreeEntries() throws Exception {
        writeAndUpload(1, 3, 3);
        writeAndUpload(4, 6, 3);
        writeAndUpload(7, 9, 3);
    }

    private StoredMessage entryFrom(long from) {
        long uid = Journals.entries(store, pidA).stream().filter(e -> e.from() == from).findFirst().orElseThrow().uid();
        return Journals.all(store, folderA).stream().filter(m -> m.uid() == uid).findFirst().orElseThrow();
    }

    private ConcurrentLinkedQueue<EventEnvelope> liveOnB() {
        ConcurrentLinkedQueue<EventEnvelope> got = new ConcurrentLinkedQueue<>();
        PersistenceQuery.get(b).getReadJournalFor(KinboxReadJournal.class, KinboxReadJournal.IDENTIFIER)
                .eventsByPersistenceId(pidA, 1, Long.MAX_VALUE).runWith(Sink.foreach(got::add), b);
        return got;
    }

    /** Has A audit its folder and waits until A is done with what that found (its uploader is not idle while an audit is due). */
    private void audit() throws Exception {
        KinboxJournalRuntime.get(a).auditOwnFolder(pidA);
        assertTrue(KinboxJournalRuntime.get(a).awaitUploaded(pidA, Journals.WAIT));
    }

    private static List<Object> payloads(java.util.Collection<EventEnvelope> es) {
        return es.stream().map(EventEnvelope::event).toList();
    }

    private static void awaitSize(java.util.Collection<?> c, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (c.size() < n && System.nanoTime() < deadline) Thread.sleep(5);
        assertEquals(n, c.size(), "elements " + c);
    }

    @Test void entryTheProviderDeleted_goesUpAgainAtTheAuthorsAudit_andAReaderThatPassedItAsAGapFillsIt_withoutASnapshot() throws Exception {
        uploadThreeEntries();
        store.faults().deleteMessage(folderA, entryFrom(4).uid()); // withheld before B read it
        ConcurrentLinkedQueue<EventEnvelope> got = liveOnB();
        awaitSize(got, 6);
        assertEquals(1, KinboxJournalRuntime.get(b).stats().gaps.sum(), "setup: B passed 4..6 as a gap");

        audit();
        KinboxJournalRuntime.get(b).wakeQueries();
        awaitSize(got, 9);
        assertEquals(List.of("e-1", "e-2", "e-3", "e-7", "e-8", "e-9", "e-4", "e-5", "e-6"), payloads(got), "the gap filled, each event once");
        Journals.assertCoversExactly(Journals.entries(store, pidA), 9);
        assertEquals(1, KinboxJournalRuntime.get(a).stats().auditRepairs.sum());
        assertEquals(0, KinboxJournalRuntime.get(a).stats().foldersRepaired.sum(), "not taken for a restore");
        assertEquals(0, KinboxJournalRuntime.get(b).stats().replayed.sum(), "what fills a gap is no replay");
    }

    @Test void entryTheProviderAlteredUnderANewUid_doesNotOpenAtTheAudit_andTheAuthorsOwnGoesUpAgain() throws Exception {
        uploadThreeEntries();
        audit(); // A has opened its three entries: the audit after the alteration opens only what is new
        StoredMessage original = entryFrom(7);
        byte[] raw = original.raw().clone();
        raw[raw.length - 10] ^= 1; // in the sealed body
        store.faults().deleteMessage(folderA, original.uid()); // an IMAP provider alters by storing a changed copy
        store.faults().inject(folderA, NewMessage.of(raw));
        assertEquals(3, Journals.entries(store, pidA).size(), "setup: the altered copy carries the original's header");

        audit();
        assertEquals(1, KinboxJournalRuntime.get(a).stats().auditRepairs.sum());
        ConcurrentLinkedQueue<EventEnvelope> got = liveOnB();
        awaitSize(got, 9);
        assertEquals(Journals.strings(1, 9), payloads(got), "B reads the copy A uploaded again, not the altered one");
        assertTrue(KinboxJournalRuntime.get(b).stats().untrusted.sum() + KinboxJournalRuntime.get(b).stats().malformed.sum() >= 1,
                "the altered copy is refused");
    }

    @Test void folderThatHoldsEverything_afterSnapshotsAndCompaction_isLeftAsItIs_byAuditAfterAudit() throws Exception {
        writeAndUpload(1, 3, 3);
        audit();
        writeAndUpload(4, 6, 3);
        saveSnapshot(6); // compacts 1..6 away
        audit();
        writeAndUpload(7, 9, 3);
        saveSnapshot(9);
        writeAndUpload(10, 12, 3);
        long uploaded = KinboxJournalRuntime.get(a).stats().uploadedMessages.sum();
        List<Long> before = Journals.all(store, folderA).stream().map(StoredMessage::uid).toList();
        for (int i = 0; i < 3; i++) audit();
        assertEquals(0, KinboxJournalRuntime.get(a).stats().auditRepairs.sum(), "nothing was missing");
        assertEquals(0, KinboxJournalRuntime.get(a).stats().auditFailures.sum());
        assertEquals(uploaded, KinboxJournalRuntime.get(a).stats().uploadedMessages.sum(), "nothing uploaded again");
        assertEquals(before, Journals.all(store, folderA).stream().map(StoredMessage::uid).toList(), "nothing deleted");
    }

    @Test void snapshotTheProviderDeleted_afterCompactionTookTheEntriesItCovers_goesUpAgain_andANewReaderReadsEverything() throws Exception {
        writeAndUpload(1, 3, 3);
        writeAndUpload(4, 6, 3);
        saveSnapshot(6); // the folder holds the snapshot alone
        writeAndUpload(7, 9, 3);
        long snapUid = new ServerFolder(store, folderA, new JournalStats()).list(-1, 0).snapshots().get(0).uid();
        store.faults().deleteMessage(folderA, snapUid);

        audit();
        assertEquals(1, KinboxJournalRuntime.get(a).stats().auditRepairs.sum());
        List<EventEnvelope> got = PersistenceQuery.get(b).getReadJournalFor(KinboxReadJournal.class, KinboxReadJournal.IDENTIFIER)
                .currentEventsByPersistenceId(pidA, 1, Long.MAX_VALUE).runWith(Sink.seq(), b).toCompletableFuture().get(15, TimeUnit.SECONDS);
        assertEquals(new dev.kinbox.journal.query.SiblingSnapshot(pidA, 6, "state-6"), got.get(0).event(), "events 1..6 from the snapshot uploaded again");
        assertEquals(Journals.strings(7, 9), payloads(got.subList(1, got.size())));
        assertEquals(0, KinboxJournalRuntime.get(b).stats().gaps.sum());
    }

    @Test void retiredAuthor_auditAskedFor_uploadsAgainWhatTheProviderDeletedIntoItsFolder_butLeavesAReplacedFolderAlone() throws Exception {
        uploadThreeEntries();
        KinboxJournalRuntime.get(a).deviceRetired(A.id()); // it left: its siblings delete its folder once they read its leave
        store.faults().deleteMessage(folderA, entryFrom(7).uid()); // its newest entry (a leave's retirement), withheld
        audit();
        assertEquals(1, KinboxJournalRuntime.get(a).stats().auditRepairs.sum(), "asked for, a retired device's audit runs");
        Journals.assertCoversExactly(Journals.entries(store, pidA), 9);

        store.deleteFolder(folderA); // the siblings' clean-up, and someone creates the name again
        store.createFolder(folderA);
        KinboxJournalRuntime.get(a).auditOwnFolder(pidA);
        KinboxJournalRuntime.get(a).awaitUploaded(pidA, Journals.WAIT); // the run with the audit is over either way
        assertEquals(List.of(), Journals.all(store, folderA), "not its folder: nothing uploaded into it again");
        assertEquals(1, KinboxJournalRuntime.get(a).stats().auditRepairs.sum());
    }

    private void saveSnapshot(long seq) throws Exception {
        TestKit p = new TestKit(a);
        org.apache.pekko.persistence.Persistence.get(a).snapshotStoreFor("kinbox.snapshot-store", com.typesafe.config.ConfigFactory.empty())
                .tell(new SnapshotProtocol.SaveSnapshot(SnapshotMetadata.apply(pidA, seq), "state-" + seq), p.getRef());
        p.expectMsgClass(Journals.WAIT, SaveSnapshotSuccess.class);
        assertTrue(KinboxJournalRuntime.get(a).awaitUploaded(pidA, Journals.WAIT));
    }
}
