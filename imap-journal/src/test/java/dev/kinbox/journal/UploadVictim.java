package dev.kinbox.journal;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.PersistentEnvelope;
import org.apache.pekko.testkit.javadsl.TestKit;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A child JVM for {@code DovecotFaultsIT}: a device on LevelDB and an IMAP store (settings from the
 * {@code -Dkinbox...} system properties, password from the environment) that writes events one by
 * one, printing {@code acked N} after each acknowledgement, until it is killed.
 */
public final class UploadVictim {
    private UploadVictim() {}

    public static void main(String[] args) {
        String pid = args[0];
        int n = Integer.parseInt(args[1]);
        ActorSystem system = ActorSystem.create("victim", ConfigFactory.parseString(JournalFixture.BASE).withFallback(ConfigFactory.load()));
        ActorRef journal = Journals.journal(system);
        TestKit probe = new TestKit(system);
        for (int i = 1; i <= n; i++) {
            List<PersistentEnvelope> w = List.of(AtomicWrite.apply(JournalTck.repr("e-" + i, i, pid, "victim")));
            journal.tell(new JournalProtocol.WriteMessages(CollectionConverters.asScala(w).toList(), probe.getRef(), 1), ActorRef.noSender());
            probe.expectMsgEquals(java.time.Duration.ofSeconds(30), JournalProtocol.WriteMessagesSuccessful$.MODULE$);
            probe.expectMsgClass(java.time.Duration.ofSeconds(30), JournalProtocol.WriteMessageSuccess.class);
            System.out.println("acked " + i);
            System.out.flush();
        }
        System.out.println("done");
        System.out.flush();
    }
}
