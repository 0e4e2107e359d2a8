package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MemoryFaults;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.DeleteMessagesSuccess;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pekko deletions reach the server: offline they complete at once, survive a restart and are carried
 * out when the server is back, in order with the uploads; a retried run stores one mark; a restore
 * into an empty local log never replays deleted events, keeps the highest sequence number and ignores
 * a mark its device did not sign.
 */
class DeletionTest {
    static final JournalFixture.Device ME = JournalFixture.device();
    MemoryMailStore store;
    InMemoryLocalLog log;
    ActorSystem system;
    String pid;

    @BeforeEach void start() {
        store = new MemoryMailStore();
        log = new InMemoryLocalLog();
        system = JournalFixture.system(store, JournalFixture.keyring(ME), log);
        pid = "entity-" + UUID.randomUUID();
    }

    @AfterEach void stop() {
        store.faults().dropConnections(0, MemoryFaults.DropPoint.BEFORE_APPLY);
        TestKit.shutdownActorSystem(system);
    }

    void serverDown() { store.faults().dropConnections(1_000_000, MemoryFaults.DropPoint.BEFORE_APPLY); }

    void serverUp() { store.faults().dropConnections(0, MemoryFaults.DropPoint.BEFORE_APPLY); }

    static void delete(ActorSystem s, String pid, long to, Duration within) {
        TestKit p = new TestKit(s);
        Journals.journal(s).tell(new JournalProtocol.DeleteMessagesTo(pid, to, p.getRef()), ActorRef.noSender());
        assertEquals(new DeleteMessagesSuccess(to), p.expectMsgClass(within, DeleteMessagesSuccess.class));
    }

    /** Payloads and highest sequence number a fresh system with an empty local log recovers. */
    record Restored(List<Object> payloads, long highest) {}

    Restored restoreElsewhere() {
        ActorSystem other = JournalFixture.system(store, JournalFixture.keyring(ME), new InMemoryLocalLog());
        try {
            TestKit r = new TestKit(other);
            Journals.journal(other).tell(new JournalProtocol.ReplayMessages(1, Long.MAX_VALUE, Long.MAX_VALUE, pid, r.getRef()), ActorRef.noSender());
            List<Object> got = new ArrayList<>();
            while (true) {
                Object m = r.receiveOne(Journals.WAIT);
                if (m instanceof JournalProtocol.ReplayedMessage rm) got.add(rm.persistent().payload());
                else if (m instanceof JournalProtocol.RecoverySuccess rs) return new Restored(got, rs.highestSequenceNr());
                else throw new AssertionError("unexpected " + m);
            }
        } finally {
            TestKit.shutdownActorSystem(other);
        }
    }

    List<ServerFolder.Mark> marks() {
        return new ServerFolder(store, KinboxJournalRuntime.folderOf(pid), new JournalStats()).list(-1, 0).marks();
    }

    @Test void delete_whileServerDown_completesAtOnceAndIsCarriedOutWhenServerIsBack() throws Exception {
        KinboxJournalRuntime rt = KinboxJournalRuntime.get(system);
        Journals.write(system, pid, 1, 10, 2);
        assertTrue(rt.awaitUploaded(pid, Journals.WAIT));
        serverDown();
        Journals.write(system, pid, 11, 15, 5); // one entry 11..15 once uploaded
        long t0 = System.nanoTime();
        delete(system, pid, 13, Duration.ofSeconds(3)); // well under delete-wait (5 s): the failed run releases it
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(3).toNanos());
        assertEquals(Journals.strings(14, 15), Journals.replay(system, pid), "hidden locally at once");
        assertFalse(rt.awaitUploaded(pid, Duration.ofMillis(200)), "nothing reaches the server while it is down");
        serverUp();
        assertTrue(rt.awaitUploaded(pid, Journals.WAIT), "backlog and deletion carried out");
        assertEquals(List.of(13L), marks().stream().map(ServerFolder.Mark::deleted).toList());
        assertEquals(List.of(11L), Journals.entries(store, pid).stream().map(ServerFolder.Entry::from).toList(),
                "entries up to 10 deleted, the entry straddling 13 kept");
        assertEquals(new Restored(List.copyOf(Journals.strings(14, 15)), 15), restoreElsewhere());
    }

    @Test void delete_offlineThenRestart_isDurableLocallyAndUploadedAfterRestart() throws Exception {
        Journals.write(system, pid, 1, 6, 3);
        assertTrue(KinboxJournalRuntime.get(system).awaitUploaded(pid, Journals.WAIT));
        serverDown();
        delete(system, pid, 4, Duration.ofSeconds(3));
        TestKit.shutdownActorSystem(system);
        serverUp();
        assertEquals(List.of(), marks(), "the deletion had not reached the server");
        system = JournalFixture.system(store, JournalFixture.keyring(ME), log); // same local log: a restart
        assertEquals(Journals.strings(5, 6), Journals.replay(system, pid));
        assertTrue(KinboxJournalRuntime.get(system).awaitUploaded(pid, Journals.WAIT));
        assertEquals(List.of(4L), marks().stream().map(ServerFolder.Mark::deleted).toList());
        assertEquals(new Restored(List.copyOf(Journals.strings(5, 6)), 6), restoreElsewhere());
    }

    @Test void delete_connectionDroppedAfterEachCommand_storesOneMarkAndRestoresRight() throws Exception {
        for (int drops = 1; drops <= 5; drops++) {
            pid = "entity-" + UUID.randomUUID();
            Journals.write(system, pid, 1, 8, 4);
            assertTrue(KinboxJournalRuntime.get(system).awaitUploaded(pid, Journals.WAIT));
            store.faults().dropConnections(drops, MemoryFaults.DropPoint.AFTER_APPLY); // applied, then the answer is lost
            delete(system, pid, 6, Duration.ofSeconds(6));
            assertTrue(KinboxJournalRuntime.get(system).awaitUploaded(pid, Journals.WAIT));
            serverUp();
            assertEquals(List.of(6L), marks().stream().map(ServerFolder.Mark::deleted).toList(), "one mark after " + drops + " drops");
            assertEquals(new Restored(List.copyOf(Journals.strings(7, 8)), 8), restoreElsewhere(), "after " + drops + " drops");
        }
    }

    @Test void restore_markSignedByAStranger_deletesNothing() throws Exception {
        Journals.write(system, pid, 1, 4, 2);
        assertTrue(KinboxJournalRuntime.get(system).awaitUploaded(pid, Journals.WAIT));
        JournalFixture.Device stranger = JournalFixture.device();
        Sealer forger = new Sealer(JournalFixture.CRYPTO, JournalFixture.keyring(stranger, ME));
        // a forged mark claiming our device id, signed by a key that is not ours
        var h = dev.kinbox.journal.sma.SmaHeader.of(dev.kinbox.journal.sma.SmaHeader.Kind.JOURNAL, ME.id(),
                java.util.Map.of(ServerFolder.DELETED, "4"));
        byte[] body = EntryCodec.encode(new EntryCodec.DeletionBody(EntryCodec.VERSION, pid, ME.id(), 4));
        store.append(KinboxJournalRuntime.folderOf(pid), List.of(SmaMail.build(h, forger.seal(body), java.time.Clock.systemUTC())));
        assertEquals(new Restored(List.copyOf(Journals.strings(1, 4)), 4), restoreElsewhere(), "the forged mark deletes nothing");
    }
}
