package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import dev.kinbox.persistence.store.StoredSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.SaveSnapshotSuccess;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotProtocol;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kinbox.snapshot-store.keep-newest}: saving a snapshot deletes those older than the newest
 * few, here and on the server, so snapshots a MUAA takes on its own (after each pairing, which Pekko's
 * retention never cleans up after) do not pile up on a device or in its folder.
 */
class SnapshotKeepTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    final JournalFixture.Device device = JournalFixture.device();
    final MemoryMailStore store = new MemoryMailStore();
    final InMemoryLocalLog log = new InMemoryLocalLog();
    final String pid = "keep-" + UUID.randomUUID();
    ActorSystem system;

    @AfterEach void stop() {
        if (system != null) TestKit.shutdownActorSystem(system);
        store.close();
    }

    @Test void byDefault_aDeviceKeepsItsTwoNewestSnapshots_hereAndOnTheServer() throws Exception {
        ActorRef snapshots = start("");
        saveFive(snapshots);
        assertEquals(List.of(15L, 14L), local(), "the two newest");
        assertEquals("s-5", loadLatest(snapshots).snapshot(), "recovery still finds the newest");
        assertTrue(KinboxJournalRuntime.get(system).awaitUploaded(pid, WAIT));
        assertEquals(List.of(15L), server(), "the compaction after the upload removed the older server copies");
    }

    @Test void withoutCompaction_theOlderServerCopiesAreDeletedByRequest() throws Exception {
        ActorRef snapshots = start("kinbox.snapshot-store.compact = off");
        TestKit probe = new TestKit(system);
        for (int i = 1; i <= 3; i++) { // each one uploaded before the next is taken
            snapshots.tell(new SnapshotProtocol.SaveSnapshot(SnapshotMetadata.apply(pid, i + 10), "s-" + i), probe.getRef());
            probe.expectMsgClass(WAIT, SaveSnapshotSuccess.class);
            assertTrue(KinboxJournalRuntime.get(system).awaitUploaded(pid, WAIT));
            if (i == 2) assertEquals(List.of(11L, 12L), server().stream().sorted().toList(), "no compaction: both uploads stay");
        }
        assertEquals(List.of(13L, 12L), local());
        assertEquals(List.of(12L, 13L), server().stream().sorted().toList(), "only what the device still keeps");
    }

    @Test void keepNewestZero_keepsEverySnapshot() throws Exception {
        ActorRef snapshots = start("kinbox.snapshot-store.keep-newest = 0");
        saveFive(snapshots);
        assertEquals(List.of(15L, 14L, 13L, 12L, 11L), local());
    }

    @Test void aNegativeKeepNewest_isRefusedNamingTheKey() {
        JournalException.BadConfig e = org.junit.jupiter.api.Assertions.assertThrows(JournalException.BadConfig.class,
                () -> JournalSettings.fromConfig(com.typesafe.config.ConfigFactory.parseString("kinbox.snapshot-store.keep-newest = -1")
                        .withFallback(com.typesafe.config.ConfigFactory.load())));
        assertTrue(e.getMessage().contains("keep-newest"), e.getMessage());
    }

    private ActorRef start(String config) {
        system = JournalFixture.system(store, JournalFixture.keyring(device), log, config);
        return Persistence.get(system).snapshotStoreFor("kinbox.snapshot-store", com.typesafe.config.ConfigFactory.empty());
    }

    private void saveFive(ActorRef snapshots) {
        TestKit probe = new TestKit(system);
        for (int i = 1; i <= 5; i++) {
            snapshots.tell(new SnapshotProtocol.SaveSnapshot(SnapshotMetadata.apply(pid, i + 10), "s-" + i), probe.getRef());
            probe.expectMsgClass(WAIT, SaveSnapshotSuccess.class);
        }
    }

    private SelectedSnapshot loadLatest(ActorRef snapshots) {
        TestKit probe = new TestKit(system);
        snapshots.tell(new SnapshotProtocol.LoadSnapshot(pid, SnapshotSelectionCriteria.latest(), Long.MAX_VALUE), probe.getRef());
        return probe.expectMsgClass(WAIT, SnapshotProtocol.LoadSnapshotResult.class).snapshot().get();
    }

    /** Sequence numbers of the local snapshots, newest first. */
    private List<Long> local() {
        List<Long> out = new ArrayList<>();
        long bound = Long.MAX_VALUE;
        for (Optional<StoredSnapshot> s = log.latestSnapshot(pid, bound); s.isPresent(); s = log.latestSnapshot(pid, bound)) {
            out.add(s.get().sequenceNr());
            bound = s.get().sequenceNr() - 1;
        }
        return out;
    }

    private List<Long> server() {
        return new ServerFolder(store, KinboxJournalRuntime.folderOf(pid), new JournalStats()).list(-1, 0).snapshots().stream()
                .map(ServerFolder.Snap::seq).toList();
    }
}
