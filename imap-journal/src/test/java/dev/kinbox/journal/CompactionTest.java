package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.query.SiblingSnapshot;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaHeader;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.persistence.AbstractPersistentActor;
import org.apache.pekko.persistence.SnapshotOffer;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.Test;

/**
 * A real persistent actor on the plugins: persist, snapshot every 25 events, compaction keeps the
 * folder small whatever the event count, and a new install (empty local log) recovers the same state
 * from snapshot plus later entries with the same highest sequence number; snapshots planted in the
 * author's name change none of that.
 */
class CompactionTest {
    static final JournalFixture.Device ME = JournalFixture.device();
    static final JournalFixture.Device SIBLING = JournalFixture.device();

    /** Sums the numbers it is told; snapshots every 25 events. */
    static final class Summer extends AbstractPersistentActor {
        private final String id;
        private long sum;
        private final List<Long> recovered = new ArrayList<>();

        Summer(String id) { this.id = id; }

        @Override public String persistenceId() { return id; }

        @Override public Receive createReceiveRecover() {
            return receiveBuilder()
                    .match(SnapshotOffer.class, o -> sum = (Long) o.snapshot())
                    .match(Long.class, n -> { sum += n; recovered.add(n); })
                    .build();
        }

        @Override public Receive createReceive() {
            return receiveBuilder()
                    .match(Long.class, n -> persist(n, e -> {
                        sum += e;
                        if (lastSequenceNr() % 25 == 0) saveSnapshot(sum);
                        getSender().tell(lastSequenceNr(), getSelf());
                    }))
                    .matchEquals("state", s -> getSender().tell(List.of(sum, lastSequenceNr(), recovered.size()), getSelf()))
                    .match(org.apache.pekko.persistence.SaveSnapshotSuccess.class, s -> { })
                    .build();
        }
    }

    @Test void compaction_manyEvents_folderStaysBoundedAndNewInstallRecovers() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        String pid = "sma|acct|" + ME.id();
        String folder = SmaFolders.deviceFolder(ME.id());
        ActorSystem a = JournalFixture.system(store, JournalFixture.keyring(ME), new InMemoryLocalLog());
        long expectedSum = 0;
        try {
            TestKit probe = new TestKit(a);
            ActorRef summer = a.actorOf(Props.create(Summer.class, () -> new Summer(pid)));
            List<Long> counts = new ArrayList<>();
            for (long i = 1; i <= 260; i++) {
                summer.tell(i, probe.getRef());
                assertEquals(i, probe.expectMsgClass(Journals.WAIT, Long.class));
                expectedSum += i;
                if (i % 25 == 0) {
                    long seq = i;
                    var log = KinboxJournalRuntime.get(a).localLog();
                    for (int w = 0; w < 2000 && log.latestSnapshot(pid, Long.MAX_VALUE).map(x -> x.sequenceNr()).orElse(0L) < seq; w++) {
                        Thread.sleep(2);
                    }
                    assertTrue(KinboxJournalRuntime.get(a).awaitUploaded(pid, Journals.WAIT));
                    counts.add(store.status(folder).messages());
                }
            }
            assertTrue(KinboxJournalRuntime.get(a).awaitUploaded(pid, Journals.WAIT));
            // after each snapshot: the snapshot alone (entries up to it are compacted away)
            assertTrue(counts.stream().allMatch(c -> c <= 2), "folder sizes " + counts);
            assertTrue(store.status(folder).messages() <= 12, "snapshot plus the entries after it");
        } finally {
            TestKit.shutdownActorSystem(a);
        }
        assertEquals(List.of(expectedSum, 260L, 10), newInstall(store, pid), "sum, highest, events replayed after snapshot 250");
    }

    /**
     * Message-IDs are deterministic, and the author looks for its snapshot's before uploading it. A
     * provider that planted one (junk under the right Message-ID) made the author skip its snapshot
     * and then compact the entries it covered - gone from the server. The author now adopts only what
     * it sealed itself.
     */
    @Test void plantedSnapshotMessageId_theAuthorUploadsItsOwnSnapshot_andANewInstallRecovers() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        String pid = "sma|acct|" + ME.id();
        String folder = SmaFolders.deviceFolder(ME.id());
        store.createFolder(folder);
        for (String seq : List.of("25", "1000")) { // the next snapshot's Message-ID, and one far ahead
            store.faults().inject(folder, SmaMail.build(SmaHeader.of(SmaHeader.Kind.SNAPSHOT, ME.id(), java.util.Map.of("seq", seq)),
                    "not sealed by the device".getBytes(java.nio.charset.StandardCharsets.US_ASCII), java.time.Clock.systemUTC()));
        }
        ActorSystem a = JournalFixture.system(store, JournalFixture.keyring(ME, SIBLING), new InMemoryLocalLog());
        long expectedSum = 0;
        try {
            TestKit probe = new TestKit(a);
            ActorRef summer = a.actorOf(Props.create(Summer.class, () -> new Summer(pid)));
            for (long i = 1; i <= 30; i++) {
                summer.tell(i, probe.getRef());
                assertEquals(i, probe.expectMsgClass(Journals.WAIT, Long.class));
                expectedSum += i;
            }
            var log = KinboxJournalRuntime.get(a).localLog();
            for (int w = 0; w < 2000 && log.latestSnapshot(pid, Long.MAX_VALUE).isEmpty(); w++) Thread.sleep(2);
            assertTrue(KinboxJournalRuntime.get(a).awaitUploaded(pid, Journals.WAIT));
            assertTrue(KinboxJournalRuntime.get(a).stats().untrusted.sum() >= 1, "the planted message was looked at and refused");
        } finally {
            TestKit.shutdownActorSystem(a);
        }
        assertEquals(List.of(expectedSum, 30L, 5), newInstall(store, pid), "sum, highest, events replayed after the real snapshot 25");
        ActorSystem sibling = JournalFixture.system(store, JournalFixture.keyring(SIBLING, ME), new InMemoryLocalLog());
        try {
            List<Object> read = Checks.readAll(sibling, pid).stream().map(e -> e.event() instanceof SiblingSnapshot x
                    ? (Object) ("snapshot " + x.sequenceNr() + " sum " + x.snapshot()) : e.event()).toList();
            List<Object> expected = new ArrayList<>(List.of("snapshot 25 sum 325"));
            for (long i = 26; i <= 30; i++) expected.add(i);
            assertEquals(expected, read, "a sibling passes over both planted snapshots and heals from the real one");
        } finally {
            TestKit.shutdownActorSystem(sibling);
        }
    }

    /** A new install of the device (empty local log) recovers from the server: its sum, highest sequence number and events replayed. */
    private static List<?> newInstall(MemoryMailStore store, String pid) {
        ActorSystem b = JournalFixture.system(store, JournalFixture.keyring(ME), new InMemoryLocalLog());
        try {
            TestKit probe = new TestKit(b);
            ActorRef summer = b.actorOf(Props.create(Summer.class, () -> new Summer(pid)));
            summer.tell("state", probe.getRef());
            return probe.expectMsgClass(Journals.WAIT, List.class);
        } finally {
            TestKit.shutdownActorSystem(b);
        }
    }
}
