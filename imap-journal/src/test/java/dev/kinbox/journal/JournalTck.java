package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.PersistentEnvelope;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The Pekko persistence TCK's journal cases ({@code JournalSpec}) as JUnit 5 tests, plus a restore
 * case: events written by one system are replayed by a fresh system with an empty local log from the
 * server. Subclasses pick the mail store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JournalTck {
    static final Duration WAIT = Duration.ofSeconds(10);
    final JournalFixture.Device device = JournalFixture.device();
    ActorSystem system;
    ActorRef journal;
    String pid;
    String writerUuid;
    TestKit receiver;

    abstract MailStore store();

    @BeforeAll void startSystem() {
        system = JournalFixture.system(store(), JournalFixture.keyring(device), new InMemoryLocalLog());
        journal = Persistence.get(system).journalFor("kinbox.journal", com.typesafe.config.ConfigFactory.empty());
    }

    @AfterAll void stopSystem() {
        if (system != null) TestKit.shutdownActorSystem(system);
    }

    @BeforeEach void writeFive() {
        pid = "tck-" + UUID.randomUUID();
        writerUuid = UUID.randomUUID().toString();
        receiver = new TestKit(system);
        writeMessages(1, 5);
    }

    static PersistentRepr repr(Object payload, long seq, String pid, String writerUuid) {
        return PersistentRepr.apply(payload, seq, pid, "", false, ActorRef.noSender(), writerUuid);
    }

    /** As the TCK: one AtomicWrite per event, the last two in one AtomicWrite. */
    void writeMessages(int from, int to) {
        List<PersistentEnvelope> writes = new ArrayList<>();
        for (int i = from; i < to; i++) {
            List<PersistentRepr> batch = i == to - 1
                    ? List.of(repr("a-" + i, i, pid, writerUuid), repr("a-" + (i + 1), i + 1, pid, writerUuid))
                    : List.of(repr("a-" + i, i, pid, writerUuid));
            writes.add(AtomicWrite.apply(CollectionConverters.asScala(batch).toList()));
        }
        TestKit probe = new TestKit(system);
        journal.tell(new JournalProtocol.WriteMessages(CollectionConverters.asScala(writes).toList(), probe.getRef(), 1), ActorRef.noSender());
        probe.expectMsgEquals(WAIT, JournalProtocol.WriteMessagesSuccessful$.MODULE$);
        for (int i = from; i <= to; i++) {
            JournalProtocol.WriteMessageSuccess s = probe.expectMsgClass(WAIT, JournalProtocol.WriteMessageSuccess.class);
            assertEquals(i, s.persistent().sequenceNr());
            assertEquals("a-" + i, s.persistent().payload());
        }
    }

    void replay(long from, long to, long max, String id) {
        journal.tell(new JournalProtocol.ReplayMessages(from, to, max, id, receiver.getRef()), ActorRef.noSender());
    }

    void expectReplayed(int from, int to) {
        for (int i = from; i <= to; i++) {
            JournalProtocol.ReplayedMessage m = receiver.expectMsgClass(WAIT, JournalProtocol.ReplayedMessage.class);
            PersistentRepr p = m.persistent();
            assertEquals(i, p.sequenceNr());
            assertEquals("a-" + i, p.payload());
            assertEquals(pid, p.persistenceId());
            assertEquals(writerUuid, p.writerUuid());
            assertTrue(!p.deleted());
        }
    }

    void expectRecovered(long highest) {
        assertEquals(new JournalProtocol.RecoverySuccess(highest), receiver.expectMsgClass(WAIT, JournalProtocol.RecoverySuccess.class));
    }

    void delete(long to) {
        journal.tell(new JournalProtocol.DeleteMessagesTo(pid, to, receiver.getRef()), ActorRef.noSender());
        assertEquals(new org.apache.pekko.persistence.DeleteMessagesSuccess(to), receiver.expectMsgClass(WAIT, org.apache.pekko.persistence.DeleteMessagesSuccess.class));
    }

    @Test void replay_all() { replay(1, Long.MAX_VALUE, Long.MAX_VALUE, pid); expectReplayed(1, 5); expectRecovered(5); }
    @Test void replay_lowerBound() { replay(3, Long.MAX_VALUE, Long.MAX_VALUE, pid); expectReplayed(3, 5); expectRecovered(5); }
    @Test void replay_upperBound() { replay(1, 3, Long.MAX_VALUE, pid); expectReplayed(1, 3); expectRecovered(5); }
    @Test void replay_countLimit() { replay(1, Long.MAX_VALUE, 3, pid); expectReplayed(1, 3); expectRecovered(5); }
    @Test void replay_lowerAndUpperBound() { replay(2, 3, Long.MAX_VALUE, pid); expectReplayed(2, 3); expectRecovered(5); }
    @Test void replay_boundsAndCountLimit() { replay(2, 5, 2, pid); expectReplayed(2, 3); expectRecovered(5); }
    @Test void replay_equalBounds_replaysOne() { replay(2, 2, Long.MAX_VALUE, pid); expectReplayed(2, 2); expectRecovered(5); }
    @Test void replay_countLimitOne_replaysOne() { replay(2, 4, 1, pid); expectReplayed(2, 2); expectRecovered(5); }
    @Test void replay_countLimitZero_replaysNothing() { replay(2, 4, 0, pid); expectRecovered(5); }
    @Test void replay_lowerAboveUpper_replaysNothing() { replay(3, 2, Long.MAX_VALUE, pid); expectRecovered(5); }

    @Test void replay_unknownPersistenceId_replaysNothingWithHighestZero() {
        replay(0, Long.MAX_VALUE, Long.MAX_VALUE, "non-existing-" + UUID.randomUUID());
        expectRecovered(0);
    }

    @Test void replay_afterRangeDeletion_skipsDeleted() {
        delete(3);
        replay(1, Long.MAX_VALUE, Long.MAX_VALUE, pid);
        expectReplayed(4, 5);
        expectRecovered(5);
    }

    @Test void highest_afterDeletion_isNotReset() {
        replay(0, Long.MAX_VALUE, Long.MAX_VALUE, pid);
        expectReplayed(1, 5);
        expectRecovered(5);
        delete(3);
        replay(0, Long.MAX_VALUE, Long.MAX_VALUE, pid);
        expectReplayed(4, 5);
        expectRecovered(5);
    }

    @Test void highest_afterCleanup_isNotReset() {
        delete(Long.MAX_VALUE);
        replay(0, Long.MAX_VALUE, Long.MAX_VALUE, pid);
        expectRecovered(5);
    }

    @Test void write_unserializableEvent_isRejectedAndOthersStored() {
        Object notSerializable = new Object() {
            @Override public String toString() { return "not serializable"; }
        };
        List<PersistentEnvelope> writes = new ArrayList<>();
        for (int i = 6; i <= 8; i++) {
            writes.add(AtomicWrite.apply(repr(i == 7 ? notSerializable : "b-" + i, i, pid, writerUuid)));
        }
        TestKit probe = new TestKit(system);
        journal.tell(new JournalProtocol.WriteMessages(CollectionConverters.asScala(writes).toList(), probe.getRef(), 1), ActorRef.noSender());
        probe.expectMsgEquals(WAIT, JournalProtocol.WriteMessagesSuccessful$.MODULE$);
        assertEquals("b-6", probe.expectMsgClass(WAIT, JournalProtocol.WriteMessageSuccess.class).persistent().payload());
        JournalProtocol.WriteMessageRejected rejected = probe.expectMsgClass(WAIT, JournalProtocol.WriteMessageRejected.class);
        assertEquals(7, rejected.message().sequenceNr());
        assertInstanceOf(java.io.NotSerializableException.class, rejected.cause());
        assertEquals("b-8", probe.expectMsgClass(WAIT, JournalProtocol.WriteMessageSuccess.class).persistent().payload());
        replay(6, Long.MAX_VALUE, Long.MAX_VALUE, pid);
        assertEquals(6, receiver.expectMsgClass(WAIT, JournalProtocol.ReplayedMessage.class).persistent().sequenceNr());
        assertEquals(8, receiver.expectMsgClass(WAIT, JournalProtocol.ReplayedMessage.class).persistent().sequenceNr());
        expectRecovered(8);
    }

    @Test void write_customSerializerPayloadWithMetadata_roundTrips() {
        TestPayload event = new TestPayload("hello", 42);
        PersistentRepr r = repr(event, 6, pid, writerUuid).withMetadata("meta-data");
        TestKit probe = new TestKit(system);
        journal.tell(new JournalProtocol.WriteMessages(CollectionConverters.asScala(List.<PersistentEnvelope>of(AtomicWrite.apply(r))).toList(),
                probe.getRef(), 1), ActorRef.noSender());
        probe.expectMsgEquals(WAIT, JournalProtocol.WriteMessagesSuccessful$.MODULE$);
        probe.expectMsgClass(WAIT, JournalProtocol.WriteMessageSuccess.class);
        replay(6, 6, 1, pid);
        PersistentRepr back = receiver.expectMsgClass(WAIT, JournalProtocol.ReplayedMessage.class).persistent();
        assertEquals(event, back.payload());
        assertEquals("meta-data", back.metadata().get());
        assertEquals(writerUuid, back.writerUuid());
        expectRecovered(6);
    }

    @Test void restore_freshLocalLog_replaysFromServerWithSameHighest() throws Exception {
        assertTrue(KinboxJournalRuntime.get(system).awaitUploaded(pid, WAIT), "upload confirmed");
        assertEquals(new Restored(List.of("a-1", "a-2", "a-3", "a-4", "a-5"), 5), restoreElsewhere());
    }

    @Test void restore_afterDeletionInsideAnEntry_skipsTheDeletedPartWithSameHighest() throws Exception {
        assertTrue(KinboxJournalRuntime.get(system).awaitUploaded(pid, WAIT), "upload confirmed");
        assertEquals(List.of(1L), entryStarts(), "the five events went up as one entry 1..5");
        delete(2); // completes once the server has the deletion mark (the server is up)
        assertEquals(List.of(2L), marks().stream().map(ServerFolder.Mark::deleted).toList());
        assertEquals(List.of(1L), entryStarts(), "the entry straddling 2 stays for events 3..5");
        assertEquals(new Restored(List.of("a-3", "a-4", "a-5"), 5), restoreElsewhere());
    }

    @Test void restore_afterDeletionOfWholeEntries_deletesThemOnTheServer() throws Exception {
        assertTrue(KinboxJournalRuntime.get(system).awaitUploaded(pid, WAIT), "upload confirmed");
        writeMessages(6, 8);
        assertTrue(KinboxJournalRuntime.get(system).awaitUploaded(pid, WAIT), "upload confirmed");
        delete(5);
        List<Long> starts = entryStarts();
        assertTrue(!starts.isEmpty() && starts.get(0) == 6, "entry 1..5 deleted on the server, 6.. kept: " + starts);
        assertEquals(new Restored(List.of("a-6", "a-7", "a-8"), 8), restoreElsewhere());
    }

    List<Long> entryStarts() {
        return Journals.entries(store(), pid).stream().map(ServerFolder.Entry::from).sorted().toList();
    }

    @Test void restore_afterDeletingEverything_replaysNothingAndKeepsHighest() throws Exception {
        assertTrue(KinboxJournalRuntime.get(system).awaitUploaded(pid, WAIT), "upload confirmed");
        delete(Long.MAX_VALUE);
        assertEquals(new Restored(List.of(), 5), restoreElsewhere());
        assertEquals(List.of(), Journals.entries(store(), pid));
        assertEquals(List.of(5L), marks().stream().map(ServerFolder.Mark::deleted).toList());
    }

    @Test void delete_repeated_keepsOneMarkAndABoundedFolder() throws Exception {
        long top = 5;
        for (int round = 0; round < 6; round++) {
            writeMessages((int) top + 1, (int) top + 3); // entries top+1 and top+2..top+3
            top += 3;
            delete(top - 1); // straddles the newest entry
            List<ServerFolder.Entry> entries = Journals.entries(store(), pid);
            assertEquals(List.of(top - 1), marks().stream().map(ServerFolder.Mark::deleted).toList(), "one mark, replaced");
            assertTrue(entries.size() <= 1, "only the straddling entry stays: " + entries);
        }
        assertEquals(new Restored(List.of("a-" + top), top), restoreElsewhere());
    }

    List<ServerFolder.Mark> marks() {
        return new ServerFolder(store(), KinboxJournalRuntime.folderOf(pid), new JournalStats()).list(-1, 0).marks();
    }

    /** What a fresh system with an empty local log replays for {@code pid}, and its highest sequence number. */
    record Restored(List<Object> payloads, long highest) {}

    Restored restoreElsewhere() {
        ActorSystem other = JournalFixture.system(store(), JournalFixture.keyring(device), new InMemoryLocalLog());
        try {
            ActorRef j = Persistence.get(other).journalFor("kinbox.journal", com.typesafe.config.ConfigFactory.empty());
            TestKit r = new TestKit(other);
            j.tell(new JournalProtocol.ReplayMessages(1, Long.MAX_VALUE, Long.MAX_VALUE, pid, r.getRef()), ActorRef.noSender());
            List<Object> got = new ArrayList<>();
            while (true) {
                Object m = r.receiveOne(WAIT);
                if (m instanceof JournalProtocol.ReplayedMessage rm) got.add(rm.persistent().payload());
                else if (m instanceof JournalProtocol.RecoverySuccess rs) return new Restored(got, rs.highestSequenceNr());
                else throw new AssertionError("unexpected " + m);
            }
        } finally {
            TestKit.shutdownActorSystem(other);
        }
    }
}
