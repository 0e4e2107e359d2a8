package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import java.util.List;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Journal protocol v2: events tagged {@link KinboxJournal#LOCAL_ONLY_TAG} (what a device only
 * replicated) stay in the local log; the entries on the server still cover every sequence number,
 * so a sibling reads the author's own events with no gap, and a restore brings back the own ones.
 */
class LocalOnlyEventsTest {
    static final JournalFixture.Device A = JournalFixture.device();
    static final JournalFixture.Device B = JournalFixture.device();
    MemoryMailStore store;
    ActorSystem a;
    ActorSystem b;
    final String pidA = "sma|acct|" + A.id();

    @BeforeEach void start() {
        store = new MemoryMailStore();
        a = JournalFixture.system(store, JournalFixture.keyring(A, B), new InMemoryLocalLog());
        b = JournalFixture.system(store, JournalFixture.keyring(B, A), new InMemoryLocalLog(), "kinbox.query.sweep-interval = 30s");
    }

    @AfterEach void stop() {
        TestKit.shutdownActorSystem(a);
        TestKit.shutdownActorSystem(b);
        store.close();
    }

    @Test void localOnlyEvents_areNotUploaded_butTheEntriesCoverThem_andASiblingReadsTheRestWithoutAGap() throws Exception {
        Journals.writeTagged(a, pidA, 1, 6, seq -> seq % 3 != 1); // own: 1 and 4; local-only: 2, 3, 5, 6
        assertTrue(KinboxJournalRuntime.get(a).awaitUploaded(pidA, Journals.WAIT));
        Journals.assertCoversExactly(Journals.entries(store, pidA), 4); // 5 and 6 wait for the next event to upload
        assertEquals(2, KinboxJournalRuntime.get(a).stats().uploadedEvents.sum(), "only the own events went up");
        assertEquals(List.of("e-1", "e-2", "e-3", "e-4", "e-5", "e-6"), Journals.replay(a, pidA), "all stay local");

        Journals.writeTagged(a, pidA, 7, 7, seq -> false);
        assertTrue(KinboxJournalRuntime.get(a).awaitUploaded(pidA, Journals.WAIT));
        Journals.assertCoversExactly(Journals.entries(store, pidA), 7);
        List<EventEnvelope> read = Checks.readAll(b, pidA);
        assertEquals(List.of("e-1", "e-4", "e-7"), read.stream().map(EventEnvelope::event).toList());
        assertEquals(List.of(1L, 4L, 7L), read.stream().map(EventEnvelope::sequenceNr).toList());
        assertEquals(0, KinboxJournalRuntime.get(b).stats().gaps.sum(), "covered ranges are no gap");
    }

    @Test void aDeviceThatOnlyReplicates_isIdleWithNothingUploaded() throws Exception {
        Journals.writeTagged(a, pidA, 1, 5, seq -> true);
        assertTrue(KinboxJournalRuntime.get(a).awaitUploaded(pidA, Journals.WAIT), "nothing of its own to upload");
        assertEquals(List.of(), Journals.entries(store, pidA));
    }

    @Test void aRestore_bringsBackTheOwnEvents_andNumbersOnAfterTheCoveredRange() throws Exception {
        Journals.writeTagged(a, pidA, 1, 5, seq -> seq == 2 || seq == 3); // own 1, 4, 5
        assertTrue(KinboxJournalRuntime.get(a).awaitUploaded(pidA, Journals.WAIT));
        TestKit.shutdownActorSystem(a);
        a = JournalFixture.system(store, JournalFixture.keyring(A, B), new InMemoryLocalLog()); // a new install, nothing local
        assertEquals(List.of("e-1", "e-4", "e-5"), Journals.replay(a, pidA));
        Journals.writeTagged(a, pidA, 6, 6, seq -> false);
        assertTrue(KinboxJournalRuntime.get(a).awaitUploaded(pidA, Journals.WAIT));
        Journals.assertCoversExactly(Journals.entries(store, pidA), 6);
    }
}
