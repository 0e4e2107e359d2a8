package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.kinbox.journal.mail.MemoryFaults;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.query.KinboxReadJournal;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One ActorSystem hosting several devices ({@code KinboxJournalRuntime.addDevice}), as the simulator
 * and a mail client with several accounts do: each device's persistence id is stored in its own
 * local log and sealed with its own key, siblings in the same system read each other through the
 * read journal by naming the reader, and ids no hosted device owns are refused.
 */
class HostedDevicesTest {
    static final JournalFixture.Device A = JournalFixture.device();
    static final JournalFixture.Device B = JournalFixture.device();
    static final JournalFixture.Device C = JournalFixture.device();
    MemoryMailStore store;
    ActorSystem system;
    InMemoryLocalLog logA;
    InMemoryLocalLog logB;
    final String pidA = "sma|acct|" + A.id();
    final String pidB = "sma|acct|" + B.id();

    @BeforeEach void start() {
        store = new MemoryMailStore();
        system = ActorSystem.create("hosted", ConfigFactory.parseString(JournalFixture.BASE).withFallback(ConfigFactory.load()));
        logA = new InMemoryLocalLog();
        logB = new InMemoryLocalLog();
        KinboxJournalRuntime rt = KinboxJournalRuntime.get(system);
        rt.addDevice(JournalFixture.keyring(A, B), store, logA);
        rt.addDevice(JournalFixture.keyring(B, A), store, logB);
    }

    @AfterEach void stop() {
        TestKit.shutdownActorSystem(system);
    }

    @Test void eachHostedDevice_writesToItsOwnLogAndFolder_sealedWithItsOwnKey() throws Exception {
        Journals.write(system, pidA, 1, 3, 2);
        Journals.write(system, pidB, 1, 2, 1);
        assertEquals(3, logA.highestSequenceNr(pidA));
        assertEquals(0, logA.highestSequenceNr(pidB), "B's events never touch A's log");
        assertEquals(2, logB.highestSequenceNr(pidB));
        KinboxJournalRuntime rt = KinboxJournalRuntime.get(system);
        assertTrue(rt.awaitUploaded(pidA, Journals.WAIT));
        assertTrue(rt.awaitUploaded(pidB, Journals.WAIT));
        assertTrue(Journals.entries(store, pidA).stream().allMatch(e -> e.device().equals(A.id())));
        assertTrue(Journals.entries(store, pidB).stream().allMatch(e -> e.device().equals(B.id())));
        assertEquals(Journals.strings(1, 3), Journals.replay(system, pidA).stream().map(Object::toString).toList());
    }

    @Test void siblingsInOneSystem_readEachOther_whenTheReaderIsNamed() throws Exception {
        Journals.write(system, pidA, 1, 4, 4);
        assertTrue(KinboxJournalRuntime.get(system).awaitUploaded(pidA, Journals.WAIT));
        KinboxReadJournal q = PersistenceQuery.get(system).getReadJournalFor(KinboxReadJournal.class, KinboxReadJournal.IDENTIFIER);
        List<EventEnvelope> read = q.eventsByPersistenceId(B.id(), pidA, 1, 4).runWith(Sink.seq(), system)
                .toCompletableFuture().get(15, TimeUnit.SECONDS);
        assertEquals(List.of(1L, 2L, 3L, 4L), read.stream().map(EventEnvelope::sequenceNr).toList());
        var e = assertThrows(JournalException.BadConfig.class, () -> q.currentEventsByPersistenceId(pidA, 1, 4));
        assertTrue(e.getMessage().contains("name the reading device"), e.getMessage());
    }

    @Test void removedDevice_stopsItsUploader_evenOneRetryingAgainstADeadServer() throws Exception {
        MemoryMailStore deadServer = new MemoryMailStore();
        deadServer.faults().dropConnections(1_000_000, MemoryFaults.DropPoint.BEFORE_APPLY);
        KinboxJournalRuntime rt = KinboxJournalRuntime.get(system);
        rt.addDevice(JournalFixture.keyring(C), deadServer, new InMemoryLocalLog());
        Journals.write(system, "sma|acct|" + C.id(), 1, 2, 1); // stored locally; every upload run fails (A and B upload nothing)
        var failures = rt.stats().uploadFailures;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (failures.sum() < 5 && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(failures.sum() >= 5, "the uploader retries (back-off 10-200 ms)");
        assertTrue(rt.removeDevice(C.id()));
        Thread.sleep(500); // a run already going ends
        long after = failures.sum();
        Thread.sleep(1500); // several back-off periods
        assertEquals(after, failures.sum(), "no upload attempt for a removed device");
    }

    @Test void persistenceIdOfNoHostedDevice_isRefused_notGivenAFreshKey() {
        KinboxJournalRuntime rt = KinboxJournalRuntime.get(system);
        var e = assertThrows(JournalException.BadConfig.class, () -> rt.hostFor("sma|acct|" + C.id()));
        assertTrue(e.getMessage().contains("no device hosted"), e.getMessage());
        assertThrows(JournalException.BadConfig.class, () -> rt.addDevice(JournalFixture.keyring(A), store, new InMemoryLocalLog()),
                "a device is hosted once");
        assertThrows(JournalException.BadConfig.class, rt::mailStore, "no default device to hand out a store of");
        assertEquals(store, rt.mailStore(A.id()));
    }

    @Test void removedDevice_isNoLongerHosted_andItsLogKeepsItsEvents() {
        Journals.write(system, pidA, 1, 2, 2);
        KinboxJournalRuntime rt = KinboxJournalRuntime.get(system);
        assertTrue(rt.removeDevice(A.id()));
        assertFalse(rt.removeDevice(A.id()));
        assertEquals(java.util.Set.of(B.id()), rt.hostedDevices());
        assertThrows(JournalException.BadConfig.class, () -> rt.hostFor(pidA));
        assertEquals(2, logA.highestSequenceNr(pidA));
    }

    /**
     * With every added device removed again (a fleet that stopped them all, an application that closed its last account),
     * a late call for one of them - a stopping MUAA's - is refused, or does nothing, as while others were hosted: it
     * does not make a default device with a fresh key and the configured store.
     */
    @Test void onceEveryAddedDeviceIsRemoved_aLateCallForOne_getsNoDefaultDeviceMadeForIt() {
        KinboxJournalRuntime rt = KinboxJournalRuntime.get(system);
        assertTrue(rt.removeDevice(A.id()));
        assertTrue(rt.removeDevice(B.id()));
        assertEquals(java.util.Set.of(), rt.hostedDevices());

        rt.deviceRetired(A.id()); // documented to do nothing for a device not hosted here
        rt.offRetirementDoubt(A.id(), () -> { });
        var e = assertThrows(JournalException.BadConfig.class, () -> rt.hostFor(pidA));
        assertTrue(e.getMessage().contains("no device hosted"), e.getMessage());
        assertThrows(JournalException.BadConfig.class, rt::keyring, "no default device was made meanwhile");
    }
}
