package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.DeleteSnapshotSuccess;
import org.apache.pekko.persistence.DeleteSnapshotsSuccess;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.SaveSnapshotSuccess;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotProtocol;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import scala.Option;

/**
 * The Pekko persistence TCK's snapshot store cases ({@code SnapshotStoreSpec}) as JUnit 5 tests, plus
 * a restore of the newest snapshot from the server into an empty local log. Subclasses pick the store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SnapshotTck {
    static final Duration WAIT = Duration.ofSeconds(10);
    final JournalFixture.Device device = JournalFixture.device();
    ActorSystem system;
    ActorRef snapshots;
    String pid;
    TestKit probe;
    List<SnapshotMetadata> metadata;

    abstract MailStore store();

    @BeforeAll void startSystem() {
        // the plain contract: keep what is saved until told to delete it
        system = JournalFixture.system(store(), JournalFixture.keyring(device), new InMemoryLocalLog(), "kinbox.snapshot-store.keep-newest = 0");
        snapshots = Persistence.get(system).snapshotStoreFor("kinbox.snapshot-store", com.typesafe.config.ConfigFactory.empty());
    }

    @AfterAll void stopSystem() {
        if (system != null) TestKit.shutdownActorSystem(system);
    }

    /** As the TCK: snapshots "s-1".."s-5" at sequence numbers 11..15. */
    @BeforeEach void writeSnapshots() {
        pid = "snap-" + UUID.randomUUID();
        probe = new TestKit(system);
        metadata = new ArrayList<>();
        for (int i = 1; i <= 5; i++) metadata.add(save(SnapshotMetadata.apply(pid, i + 10), "s-" + i));
    }

    SnapshotMetadata save(SnapshotMetadata md, Object snapshot) {
        snapshots.tell(new SnapshotProtocol.SaveSnapshot(md, snapshot), probe.getRef());
        return probe.expectMsgClass(WAIT, SaveSnapshotSuccess.class).metadata();
    }

    void load(String id, SnapshotSelectionCriteria c, long to, Option<SelectedSnapshot> expected) {
        snapshots.tell(new SnapshotProtocol.LoadSnapshot(id, c, to), probe.getRef());
        SnapshotProtocol.LoadSnapshotResult r = probe.expectMsgClass(WAIT, SnapshotProtocol.LoadSnapshotResult.class);
        assertEquals(new SnapshotProtocol.LoadSnapshotResult(expected, to), r);
    }

    Option<SelectedSnapshot> selected(int i) {
        return Option.apply(SelectedSnapshot.apply(metadata.get(i), "s-" + (i + 1)));
    }

    static SnapshotSelectionCriteria criteria(long maxSeq, long maxTimestamp) {
        return SnapshotSelectionCriteria.create(maxSeq, maxTimestamp);
    }

    static final SnapshotSelectionCriteria LATEST = SnapshotSelectionCriteria.latest();

    @Test void load_unknownPersistenceId_findsNothing() { load("invalid-" + UUID.randomUUID(), LATEST, Long.MAX_VALUE, Option.empty()); }

    @Test void load_nonMatchingTimestamp_findsNothing() { load(pid, criteria(Long.MAX_VALUE, 100), Long.MAX_VALUE, Option.empty()); }

    @Test void load_nonMatchingSequenceNumber_findsNothing() {
        load(pid, criteria(7, Long.MAX_VALUE), Long.MAX_VALUE, Option.empty());
        load(pid, LATEST, 7, Option.empty());
    }

    @Test void load_latest_findsMostRecent() { load(pid, LATEST, Long.MAX_VALUE, selected(4)); }

    @Test void load_upperSequenceBound_findsMostRecentBelow() {
        load(pid, criteria(13, Long.MAX_VALUE), Long.MAX_VALUE, selected(2));
        load(pid, LATEST, 13, selected(2));
    }

    @Test void load_upperSequenceAndTimestampBounds_findsMostRecentBelow() {
        load(pid, criteria(13, metadata.get(2).timestamp()), Long.MAX_VALUE, selected(2));
        load(pid, criteria(Long.MAX_VALUE, metadata.get(2).timestamp()), 13, selected(2));
    }

    @Test void delete_singleBySequenceNumber_keepsOthers() {
        SnapshotMetadata md = new SnapshotMetadata(pid, metadata.get(2).sequenceNr(), 0L);
        snapshots.tell(new SnapshotProtocol.DeleteSnapshot(md), probe.getRef());
        assertEquals(new DeleteSnapshotSuccess(md), probe.expectMsgClass(WAIT, DeleteSnapshotSuccess.class));
        load(pid, criteria(md.sequenceNr(), Long.MAX_VALUE), Long.MAX_VALUE, selected(1));
    }

    @Test void delete_matchingCriteria_deletesAllMatching() {
        SnapshotMetadata md = metadata.get(2);
        SnapshotSelectionCriteria c = criteria(md.sequenceNr(), md.timestamp());
        snapshots.tell(new SnapshotProtocol.DeleteSnapshots(pid, c), probe.getRef());
        assertEquals(new DeleteSnapshotsSuccess(c), probe.expectMsgClass(WAIT, DeleteSnapshotsSuccess.class));
        load(pid, c, Long.MAX_VALUE, Option.empty());
        load(pid, criteria(metadata.get(3).sequenceNr(), metadata.get(3).timestamp()), Long.MAX_VALUE, selected(3));
    }

    @Test void delete_nonMatchingTimestamp_deletesNothingNewer() {
        SnapshotMetadata md = metadata.get(3);
        SnapshotSelectionCriteria c = criteria(md.sequenceNr(), md.timestamp() - 1);
        snapshots.tell(new SnapshotProtocol.DeleteSnapshots(pid, c), probe.getRef());
        assertEquals(new DeleteSnapshotsSuccess(c), probe.expectMsgClass(WAIT, DeleteSnapshotsSuccess.class));
        load(pid, criteria(md.sequenceNr(), md.timestamp()), Long.MAX_VALUE, selected(3));
    }

    @Test void save_sameSequenceNumber_overwrites() {
        SnapshotMetadata md2 = save(metadata.get(4), "s-5-modified");
        assertEquals(metadata.get(4).sequenceNr(), md2.sequenceNr());
        snapshots.tell(new SnapshotProtocol.LoadSnapshot(pid, criteria(md2.sequenceNr(), Long.MAX_VALUE), Long.MAX_VALUE), probe.getRef());
        SelectedSnapshot s = probe.expectMsgClass(WAIT, SnapshotProtocol.LoadSnapshotResult.class).snapshot().get();
        assertEquals("s-5-modified", s.snapshot());
        assertEquals(md2.sequenceNr(), s.metadata().sequenceNr());
    }

    @Test void save_bigSnapshot_succeeds() {
        save(SnapshotMetadata.apply(pid, 100), "0".repeat(10_000));
    }

    @Test void save_customSerializerWithMetadata_roundTrips() {
        TestPayload snap = new TestPayload("state", 7);
        save(SnapshotMetadata.apply(pid, 100).withMetadata("fictional metadata"), snap);
        snapshots.tell(new SnapshotProtocol.LoadSnapshot(pid, LATEST, Long.MAX_VALUE), probe.getRef());
        SelectedSnapshot s = probe.expectMsgClass(WAIT, SnapshotProtocol.LoadSnapshotResult.class).snapshot().get();
        assertEquals(snap, s.snapshot());
        assertEquals(100, s.metadata().sequenceNr());
        assertEquals(Option.apply("fictional metadata"), s.metadata().metadata());
    }

    @Test void restore_freshLocalLog_loadsNewestSnapshotFromServer() throws Exception {
        assertTrue(KinboxJournalRuntime.get(system).awaitUploaded(pid, WAIT));
        ActorSystem other = JournalFixture.system(store(), JournalFixture.keyring(device), new InMemoryLocalLog());
        try {
            ActorRef s = Persistence.get(other).snapshotStoreFor("kinbox.snapshot-store", com.typesafe.config.ConfigFactory.empty());
            TestKit p = new TestKit(other);
            s.tell(new SnapshotProtocol.LoadSnapshot(pid, LATEST, Long.MAX_VALUE), p.getRef());
            SelectedSnapshot got = p.expectMsgClass(WAIT, SnapshotProtocol.LoadSnapshotResult.class).snapshot().get();
            assertEquals("s-5", got.snapshot());
            assertEquals(15, got.metadata().sequenceNr());
        } finally {
            TestKit.shutdownActorSystem(other);
        }
    }

    List<Long> serverSnapshots() {
        return new ServerFolder(store(), KinboxJournalRuntime.folderOf(pid), new JournalStats()).list(-1, 0).snapshots().stream()
                .map(ServerFolder.Snap::seq).toList();
    }

    @Test void delete_newestSnapshot_removesItFromTheServer() throws Exception {
        KinboxJournalRuntime rt = KinboxJournalRuntime.get(system);
        assertTrue(rt.awaitUploaded(pid, WAIT));
        assertEquals(List.of(15L), serverSnapshots());
        SnapshotMetadata md = new SnapshotMetadata(pid, 15, 0L);
        snapshots.tell(new SnapshotProtocol.DeleteSnapshot(md), probe.getRef());
        assertEquals(new DeleteSnapshotSuccess(md), probe.expectMsgClass(WAIT, DeleteSnapshotSuccess.class));
        assertTrue(rt.awaitUploaded(pid, WAIT));
        assertEquals(List.of(), serverSnapshots());
        ActorSystem other = JournalFixture.system(store(), JournalFixture.keyring(device), new InMemoryLocalLog());
        try {
            ActorRef s = Persistence.get(other).snapshotStoreFor("kinbox.snapshot-store", com.typesafe.config.ConfigFactory.empty());
            TestKit p = new TestKit(other);
            s.tell(new SnapshotProtocol.LoadSnapshot(pid, LATEST, Long.MAX_VALUE), p.getRef());
            assertEquals(Option.empty(), p.expectMsgClass(WAIT, SnapshotProtocol.LoadSnapshotResult.class).snapshot(), "deleted snapshot not restored");
            TestKit j = new TestKit(other);
            Persistence.get(other).journalFor("kinbox.journal", com.typesafe.config.ConfigFactory.empty()).tell(
                    new org.apache.pekko.persistence.JournalProtocol.ReplayMessages(1, Long.MAX_VALUE, Long.MAX_VALUE, pid, j.getRef()), ActorRef.noSender());
            assertEquals(new org.apache.pekko.persistence.JournalProtocol.RecoverySuccess(15),
                    j.expectMsgClass(WAIT, org.apache.pekko.persistence.JournalProtocol.RecoverySuccess.class), "highest kept by the deletion mark");
        } finally {
            TestKit.shutdownActorSystem(other);
        }
    }

    @Test void delete_olderSnapshot_keepsTheServersNewest() throws Exception {
        KinboxJournalRuntime rt = KinboxJournalRuntime.get(system);
        assertTrue(rt.awaitUploaded(pid, WAIT));
        SnapshotSelectionCriteria c = criteria(13, Long.MAX_VALUE);
        snapshots.tell(new SnapshotProtocol.DeleteSnapshots(pid, c), probe.getRef());
        assertEquals(new DeleteSnapshotsSuccess(c), probe.expectMsgClass(WAIT, DeleteSnapshotsSuccess.class));
        assertTrue(rt.awaitUploaded(pid, WAIT));
        assertEquals(List.of(15L), serverSnapshots());
    }
}
