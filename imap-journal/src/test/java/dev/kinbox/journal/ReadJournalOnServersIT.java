package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.ImapMailStore;
import dev.kinbox.journal.mail.ImapSettings;
import dev.kinbox.journal.query.KinboxReadJournal;
import dev.kinbox.journal.query.SiblingSnapshot;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.SaveSnapshotSuccess;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotProtocol;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The read journal between two devices on GreenMail and Dovecot (each device its own connections;
 * the reader's watch polls with NOOP every 10 ms): live delivery woken by nudges (sweep 30 s), then a
 * new reader after compaction starting from the snapshot.
 */
class ReadJournalOnServersIT {
    @ParameterizedTest
    @ValueSource(strings = {"greenmail", "dovecot"})
    void live_thenCompacted_onServer(String kind) throws Exception {
        JournalFixture.Device a = JournalFixture.device(), b = JournalFixture.device();
        try (Servers s = kind.equals("greenmail") ? Servers.greenMail() : Servers.dovecot();
             ImapMailStore sb = ImapMailStore.connect(s.server.settings(s.server.addUser("journal"))
                     .withWatch(ImapSettings.WatchMode.POLL, Duration.ofMillis(10)))) {
            ActorSystem sysA = JournalFixture.system(s.store(), JournalFixture.keyring(a, b), new InMemoryLocalLog());
            ActorSystem sysB = JournalFixture.system(sb, JournalFixture.keyring(b, a), new InMemoryLocalLog(), "kinbox.query.sweep-interval = 30s");
            String pid = "sma|acct|" + a.id();
            try {
                KinboxReadJournal rj = PersistenceQuery.get(sysB).getReadJournalFor(KinboxReadJournal.class, KinboxReadJournal.IDENTIFIER);
                CompletableFuture<List<EventEnvelope>> live = rj.eventsByPersistenceId(pid, 1, Long.MAX_VALUE).take(20)
                        .runWith(Sink.seq(), sysB).toCompletableFuture();
                Thread.sleep(300); // the reader's first step and its watch are up
                for (int i = 0; i < 4; i++) {
                    Journals.write(sysA, pid, i * 5L + 1, i * 5L + 5, 5);
                    Thread.sleep(50);
                }
                assertEquals(Journals.strings(1, 20), live.get(20, TimeUnit.SECONDS).stream().map(EventEnvelope::event).toList());
                TestKit p = new TestKit(sysA);
                org.apache.pekko.persistence.Persistence.get(sysA).snapshotStoreFor("kinbox.snapshot-store", com.typesafe.config.ConfigFactory.empty())
                        .tell(new SnapshotProtocol.SaveSnapshot(SnapshotMetadata.apply(pid, 20), "state-20"), p.getRef());
                p.expectMsgClass(Journals.WAIT, SaveSnapshotSuccess.class);
                Journals.write(sysA, pid, 21, 22, 2);
                assertTrue(KinboxJournalRuntime.get(sysA).awaitUploaded(pid, Journals.WAIT));
                List<EventEnvelope> fresh = Checks.readAll(sysB, pid);
                assertInstanceOf(SiblingSnapshot.class, fresh.get(0).event());
                assertEquals(List.of("e-21", "e-22"), fresh.subList(1, 3).stream().map(EventEnvelope::event).toList());
            } finally {
                TestKit.shutdownActorSystem(sysA);
                TestKit.shutdownActorSystem(sysB);
            }
        }
    }
}
