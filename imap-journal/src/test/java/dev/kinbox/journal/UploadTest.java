package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.EntryCodec.JournalBody;
import dev.kinbox.journal.mail.Flag;
import dev.kinbox.journal.mail.MemoryFaults;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaHeader;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The uploader on the in-memory store: sealed messages, ordering, offline backlog, no duplicates, nudges. */
class UploadTest {
    static final JournalFixture.Device ME = JournalFixture.device();
    static final JournalFixture.Device SIBLING = JournalFixture.device();
    MemoryMailStore store;
    ActorSystem system;
    String pid;

    @BeforeEach void start() {
        store = new MemoryMailStore();
        system = JournalFixture.system(store, JournalFixture.keyring(ME, SIBLING), new InMemoryLocalLog());
        pid = "sma|acct|" + ME.id();
    }

    @AfterEach void stop() {
        TestKit.shutdownActorSystem(system);
    }

    KinboxJournalRuntime rt() { return KinboxJournalRuntime.get(system); }

    @Test void upload_batches_becomeSealedSeenMessagesWithDeterministicIds() throws Exception {
        Journals.write(system, pid, 1, 10, 3);
        assertTrue(rt().awaitUploaded(pid, Journals.WAIT));
        String folder = SmaFolders.deviceFolder(ME.id());
        List<StoredMessage> msgs = Journals.all(store, folder);
        Journals.assertCoversExactly(Journals.entries(store, pid), 10);
        Sealer sibling = new Sealer(JournalFixture.CRYPTO, JournalFixture.keyring(SIBLING, ME));
        for (StoredMessage m : msgs) {
            SmaMail.Parsed p = SmaMail.parse(m, EntryCodec.MAX_BODY);
            assertTrue(m.flags().contains(Flag.SEEN));
            assertEquals(p.header().messageId(), m.header("Message-ID").get(0));
            assertFalse(new String(m.raw(), StandardCharsets.ISO_8859_1).contains("e-1"), "no plaintext on the server");
            JournalBody b = EntryCodec.checked(EntryCodec.decode(sibling.open(p.body(), ME.id()), JournalBody.class));
            assertEquals(pid, b.pid());
            assertEquals(SmaMail.number(p.header(), "from"), b.from());
            assertEquals(SmaMail.number(p.header(), "to"), b.to());
            assertTrue(b.events().get(b.events().size() - 1).batchEnd(), "messages end at AtomicWrite boundaries");
        }
    }

    @Test void upload_serverDown_writesContinueAndBacklogUploadsInOrder() throws Exception {
        store.faults().dropConnections(1_000_000, MemoryFaults.DropPoint.BEFORE_APPLY);
        Journals.write(system, pid, 1, 30, 1);
        assertFalse(rt().awaitUploaded(pid, Duration.ofMillis(300)), "nothing can be uploaded while the server is down");
        assertEquals(Journals.strings(1, 30), Journals.replay(system, pid));
        store.faults().dropConnections(0, MemoryFaults.DropPoint.BEFORE_APPLY);
        assertTrue(rt().awaitUploaded(pid, Journals.WAIT));
        Journals.assertCoversExactly(Journals.entries(store, pid), 30);
        assertTrue(rt().stats().uploadFailures.sum() > 0);
    }

    @Test void uploadedThrough_isTrueOnceThoseEventsAreOnTheServer_waitingOutFailedRuns_andFalseAfterItsTimeout() throws Exception {
        store.faults().dropConnections(1_000_000, MemoryFaults.DropPoint.BEFORE_APPLY);
        Journals.write(system, pid, 1, 6, 1);
        assertFalse(rt().uploadedThrough(pid, 6, Duration.ofMillis(500)).get(), "the server is down until the timeout");
        var pending = rt().uploadedThrough(pid, 6, Journals.WAIT);
        Thread.sleep(300); // failed runs meanwhile
        assertFalse(pending.isDone(), "a failed run does not answer");
        store.faults().dropConnections(0, MemoryFaults.DropPoint.BEFORE_APPLY);
        assertTrue(pending.get(), "the retried upload does");
        Journals.assertCoversExactly(Journals.entries(store, pid), 6);
        assertTrue(rt().uploadedThrough(pid, 3, Duration.ZERO).get(), "already there: answered at once");
        assertTrue(rt().uploadedThrough(pid, 99, Duration.ofMillis(200)).get(), "past our last event there is nothing to upload");
        store.faults().dropConnections(1_000_000, MemoryFaults.DropPoint.BEFORE_APPLY);
        Journals.write(system, pid, 7, 7, 1);
        assertFalse(rt().uploadedThrough(pid, 7, Duration.ofMillis(200)).get(), "a new event while the server is down");
    }

    @Test void upload_connectionDroppedAfterAppendApplied_isNotStoredTwice() throws Exception {
        for (int round = 0; round < 5; round++) {
            store.faults().dropConnections(1, MemoryFaults.DropPoint.AFTER_APPLY);
            Journals.write(system, pid, round * 4 + 1, round * 4 + 4, 2);
            assertTrue(rt().awaitUploaded(pid, Journals.WAIT));
        }
        Journals.assertCoversExactly(Journals.entries(store, pid), 20);
    }

    @Test void upload_afterEachRun_nudgesEachSibling() throws Exception {
        store.createFolder(SmaFolders.deviceFolder(SIBLING.id()));
        Journals.write(system, pid, 1, 3, 1);
        assertTrue(rt().awaitUploaded(pid, Journals.WAIT));
        long deadline = System.nanoTime() + Journals.WAIT.toNanos();
        List<StoredMessage> drops = List.of();
        while (drops.isEmpty() && System.nanoTime() < deadline) {
            drops = Journals.all(store, SmaFolders.deviceFolder(SIBLING.id()));
            Thread.sleep(5);
        }
        assertFalse(drops.isEmpty());
        SmaHeader h = SmaMail.header(drops.get(0));
        assertEquals(SmaHeader.Kind.DROP, h.kind());
        assertEquals("nudge", h.attributes().get("type"));
        assertEquals(ME.id(), h.device());
    }

    @Test void recovery_nothingLocalAndServerDown_failsInsteadOfStartingEmpty() throws Exception {
        store.faults().dropConnections(1_000_000, MemoryFaults.DropPoint.BEFORE_APPLY);
        TestKit r = new TestKit(system);
        Journals.journal(system).tell(new org.apache.pekko.persistence.JournalProtocol.ReplayMessages(1, Long.MAX_VALUE, Long.MAX_VALUE,
                "never-seen-" + UUID.randomUUID(), r.getRef()), org.apache.pekko.actor.ActorRef.noSender());
        var failure = r.expectMsgClass(Journals.WAIT, org.apache.pekko.persistence.JournalProtocol.ReplayMessagesFailure.class);
        org.junit.jupiter.api.Assertions.assertInstanceOf(JournalException.RestoreFailed.class, failure.cause());
        store.faults().dropConnections(0, MemoryFaults.DropPoint.BEFORE_APPLY);
        Journals.write(system, pid, 1, 2, 1);
        store.faults().dropConnections(1_000_000, MemoryFaults.DropPoint.BEFORE_APPLY);
        assertEquals(Journals.strings(1, 2), Journals.replay(system, pid), "a known persistence id replays offline");
        store.faults().dropConnections(0, MemoryFaults.DropPoint.BEFORE_APPLY);
    }

    @Test void upload_bigBacklog_isSplitByEventCap() throws Exception {
        ActorSystem capped = JournalFixture.system(store, JournalFixture.keyring(ME), new InMemoryLocalLog(),
                "kinbox.runtime.upload.max-events-per-message = 7");
        try {
            String other = "entity-" + UUID.randomUUID();
            store.faults().dropConnections(1_000_000, MemoryFaults.DropPoint.BEFORE_APPLY);
            Journals.write(capped, other, 1, 40, 1);
            store.faults().dropConnections(0, MemoryFaults.DropPoint.BEFORE_APPLY);
            assertTrue(KinboxJournalRuntime.get(capped).awaitUploaded(other, Journals.WAIT));
            List<ServerFolder.Entry> entries = Journals.entries(store, other);
            Journals.assertCoversExactly(entries, 40);
            assertTrue(entries.stream().allMatch(e -> e.to() - e.from() + 1 <= 7), entries.toString());
            assertArrayEquals(new long[] {7, 7, 7, 7, 7, 5}, entries.stream().mapToLong(e -> e.to() - e.from() + 1).toArray());
        } finally {
            TestKit.shutdownActorSystem(capped);
        }
    }
}
