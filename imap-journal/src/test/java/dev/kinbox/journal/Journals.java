package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.PersistentEnvelope;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.testkit.javadsl.TestKit;
import scala.jdk.javaapi.CollectionConverters;

/** Drives a system's journal actor directly (as the TCK does) and inspects folders. */
final class Journals {
    static final Duration WAIT = Duration.ofSeconds(15);

    private Journals() {}

    static ActorRef journal(ActorSystem s) {
        return Persistence.get(s).journalFor("kinbox.journal", com.typesafe.config.ConfigFactory.empty());
    }

    /** Writes events {@code from..to} in AtomicWrites of {@code batch} events; asserts all acknowledged. */
    static void write(ActorSystem s, String pid, long from, long to, int batch) {
        List<PersistentEnvelope> writes = new ArrayList<>();
        for (long i = from; i <= to; i += batch) {
            List<PersistentRepr> b = new ArrayList<>();
            for (long j = i; j <= Math.min(to, i + batch - 1); j++) b.add(JournalTck.repr("e-" + j, j, pid, "w"));
            writes.add(AtomicWrite.apply(CollectionConverters.asScala(b).toList()));
        }
        TestKit probe = new TestKit(s);
        journal(s).tell(new JournalProtocol.WriteMessages(CollectionConverters.asScala(writes).toList(), probe.getRef(), 1), ActorRef.noSender());
        probe.expectMsgEquals(WAIT, JournalProtocol.WriteMessagesSuccessful$.MODULE$);
        for (long i = from; i <= to; i++) {
            assertEquals(i, probe.expectMsgClass(WAIT, JournalProtocol.WriteMessageSuccess.class).persistent().sequenceNr());
        }
    }

    /**
     * Writes one AtomicWrite per event {@code from..to}, each payload {@code "e-<seq>"}, tagged
     * {@link KinboxJournal#LOCAL_ONLY_TAG} where {@code localOnly} says so; asserts all acknowledged.
     */
    static void writeTagged(ActorSystem s, String pid, long from, long to, java.util.function.LongPredicate localOnly) {
        List<PersistentEnvelope> writes = new ArrayList<>();
        for (long j = from; j <= to; j++) {
            Object payload = localOnly.test(j)
                    ? new org.apache.pekko.persistence.journal.Tagged("e-" + j, CollectionConverters.asScala(java.util.Set.of(KinboxJournal.LOCAL_ONLY_TAG)).toSet())
                    : "e-" + j;
            writes.add(AtomicWrite.apply(CollectionConverters.asScala(List.of(JournalTck.repr(payload, j, pid, "w"))).toList()));
        }
        TestKit probe = new TestKit(s);
        journal(s).tell(new JournalProtocol.WriteMessages(CollectionConverters.asScala(writes).toList(), probe.getRef(), 1), ActorRef.noSender());
        probe.expectMsgEquals(WAIT, JournalProtocol.WriteMessagesSuccessful$.MODULE$);
        for (long i = from; i <= to; i++) {
            assertEquals(i, probe.expectMsgClass(WAIT, JournalProtocol.WriteMessageSuccess.class).persistent().sequenceNr());
        }
    }

    /** Replays everything and returns the payloads in order. */
    static List<Object> replay(ActorSystem s, String pid) {
        TestKit r = new TestKit(s);
        journal(s).tell(new JournalProtocol.ReplayMessages(1, Long.MAX_VALUE, Long.MAX_VALUE, pid, r.getRef()), ActorRef.noSender());
        List<Object> out = new ArrayList<>();
        while (true) {
            Object m = r.receiveOne(WAIT);
            if (m instanceof JournalProtocol.ReplayedMessage rm) out.add(rm.persistent().payload());
            else if (m instanceof JournalProtocol.RecoverySuccess) return out;
            else throw new AssertionError("unexpected " + m);
        }
    }

    /** Journal entry headers in a folder, ordered by UID. */
    static List<ServerFolder.Entry> entries(MailStore store, String pid) {
        return new ServerFolder(store, KinboxJournalRuntime.folderOf(pid), new JournalStats()).list(-1, 0).journal();
    }

    /** Asserts the entries cover exactly 1..n, contiguous, no overlap (no duplicate upload). */
    static void assertCoversExactly(List<ServerFolder.Entry> entries, long n) {
        List<ServerFolder.Entry> sorted = entries.stream().sorted(java.util.Comparator.comparingLong(ServerFolder.Entry::from)).toList();
        long next = 1;
        for (ServerFolder.Entry e : sorted) {
            assertEquals(next, e.from(), "entries " + sorted);
            next = e.to() + 1;
        }
        assertEquals(n + 1, next, "entries " + sorted);
    }

    static List<StoredMessage> all(MailStore store, String folder) {
        return store.fetch(folder, UidRange.all(), Fetch.FULL);
    }

    static List<String> strings(long from, long to) {
        List<String> out = new ArrayList<>();
        for (long i = from; i <= to; i++) out.add("e-" + i);
        return out;
    }
}
