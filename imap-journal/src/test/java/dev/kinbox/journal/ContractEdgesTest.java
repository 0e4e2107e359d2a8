package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import dev.kinbox.persistence.store.StoreException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.PersistentEnvelope;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/** Pekko's failure contract for a broken local store, and a sibling that is no longer paired. */
class ContractEdgesTest {
    static final JournalFixture.Device A = JournalFixture.device();
    static final JournalFixture.Device B = JournalFixture.device();

    @Test void write_localStoreFails_wholeBatchFailsNotRejected() {
        FailingLocalLog log = new FailingLocalLog();
        ActorSystem s = JournalFixture.system(new MemoryMailStore(), JournalFixture.keyring(A), log);
        try {
            String pid = "failing";
            Journals.write(s, pid, 1, 2, 1);
            log.failing = true;
            TestKit probe = new TestKit(s);
            List<PersistentEnvelope> w = List.of(AtomicWrite.apply(JournalTck.repr("e-3", 3, pid, "w")));
            Journals.journal(s).tell(new JournalProtocol.WriteMessages(CollectionConverters.asScala(w).toList(), probe.getRef(), 1), ActorRef.noSender());
            JournalProtocol.WriteMessagesFailed failed = probe.expectMsgClass(Journals.WAIT, JournalProtocol.WriteMessagesFailed.class);
            assertInstanceOf(StoreException.class, failed.cause());
            assertEquals(3, probe.expectMsgClass(Journals.WAIT, JournalProtocol.WriteMessageFailure.class).message().sequenceNr());
            log.failing = false;
            assertEquals(Journals.strings(1, 2), Journals.replay(s, pid), "nothing of the failed write stored");
        } finally {
            TestKit.shutdownActorSystem(s);
        }
    }

    @Test void read_authorNoLongerPaired_itsEntriesAreSkippedAndCounted() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        List<Keyring.PairedDevice> bSiblings = new CopyOnWriteArrayList<>(List.of(A.paired()));
        Keyring bKeyring = new Keyring() {
            @Override public String deviceId() { return B.id(); }
            @Override public OpenPGPKey deviceKey() { return B.key(); }
            @Override public List<PairedDevice> siblings() { return bSiblings; }
        };
        ActorSystem a = JournalFixture.system(store, JournalFixture.keyring(A, B), new InMemoryLocalLog());
        ActorSystem b = JournalFixture.system(store, bKeyring, new InMemoryLocalLog());
        String pid = "sma|acct|" + A.id();
        try {
            Journals.write(a, pid, 1, 3, 3);
            org.junit.jupiter.api.Assertions.assertTrue(KinboxJournalRuntime.get(a).awaitUploaded(pid, Journals.WAIT));
            assertEquals(Journals.strings(1, 3), Checks.readAll(b, pid).stream().map(EventEnvelope::event).toList());
            bSiblings.clear(); // B retires A
            assertEquals(List.of(), Checks.readAll(b, pid), "a retired device's entries are not applied");
            assertEquals(true, KinboxJournalRuntime.get(b).stats().untrusted.sum() > 0);
        } finally {
            TestKit.shutdownActorSystem(a);
            TestKit.shutdownActorSystem(b);
        }
    }
}
