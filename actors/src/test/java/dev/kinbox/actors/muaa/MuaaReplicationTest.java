package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.Keyring;
import dev.kinbox.journal.KinboxJournalSetup;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.Test;

/**
 * Replication among devices that are already paired (fixed keyrings, no pairing events), by journal
 * entries alone: snapshots are set far apart, so nothing is healed by a snapshot.
 */
class MuaaReplicationTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test void threeDevices_concurrentEdits_convergeToEqualDigests() throws Exception {
        try (Three t = new Three("")) {
            List<TestProbe<StatusReply<AccountEvent>>> probes = new ArrayList<>();
            for (int i = 0; i < 3; i++) probes.add(t.kits.get(i).createTestProbe());
            for (int n = 1; n <= 5; n++) {
                for (int i = 0; i < 3; i++) t.muaas.get(i).tell(new Muaa.ChangeSetting("shared", "d" + i + "-" + n, probes.get(i).getRef()));
                for (int i = 0; i < 3; i++) t.muaas.get(i).tell(new Muaa.ChangeSetting("own-" + i, "v" + n, probes.get(i).getRef()));
            }
            for (int i = 0; i < 3; i++) {
                for (int n = 0; n < 10; n++) assertTrue(probes.get(i).receiveMessage(WAIT).isSuccess());
            }
            t.awaitConverged();
            AccountState s = t.state(0);
            for (String id : t.ids) assertEquals(10, s.context().contiguous(id), "every device's ten edits arrived");
            for (int i = 0; i < 3; i++) assertEquals("v5", s.settings().get("own-" + i).value());
        }
    }

    /**
     * A persistent actor drops commands past its stash while it persists; a sibling's entries hold
     * many events each, and a stream that told them all at once lost what did not fit (with snapshots
     * 1000 events apart, for good). The streams ask, a few at a time, so a small stash loses nothing.
     */
    @Test void aBurstOfSiblingEventsLargerThanTheStash_arrivesWhole() throws Exception {
        int edits = 300;
        try (Three t = new Three("pekko.persistence.typed.stash-capacity = 48")) {
            TestProbe<StatusReply<AccountEvent>> acks = t.kits.get(0).createTestProbe();
            for (int wave = 0; wave < edits / 20; wave++) { // waves: device 0's own stash holds them
                for (int n = 0; n < 20; n++) t.muaas.get(0).tell(new Muaa.ChangeSetting("burst-" + (wave * 20 + n), "x", acks.getRef()));
                for (int n = 0; n < 20; n++) assertTrue(acks.receiveMessage(WAIT).isSuccess());
            }
            t.awaitConverged();
            for (int i = 1; i < 3; i++) {
                assertEquals(edits, t.state(i).context().contiguous(t.ids.get(0)), "device " + i + " has every event of the burst");
            }
        }
    }

    /**
     * Three paired devices on one memory store. Every device's journal keyring is
     * {@code Keyring.fixed} with the others' certificates, and each MUAA is told its siblings' ids;
     * snapshots are 1000 events apart, so replication is by entries only.
     */
    private static final class Three implements AutoCloseable {
        final List<String> ids;
        final List<ActorTestKit> kits = new ArrayList<>();
        final List<ActorRef<Muaa.Command>> muaas = new ArrayList<>();

        Three(String extraConfig) throws Exception {
            MemoryMailStore store = new MemoryMailStore();
            List<OpenPGPKey> keys = new ArrayList<>();
            for (int i = 0; i < 3; i++) keys.add(Crypto.standard().generateKey("<device@kinbox.invalid>"));
            ids = keys.stream().map(k -> Keyring.deviceIdOf(k.toCertificate())).toList();
            try {
                for (int i = 0; i < 3; i++) {
                    List<Keyring.PairedDevice> siblings = new ArrayList<>();
                    List<String> siblingIds = new ArrayList<>();
                    for (int j = 0; j < 3; j++) {
                        if (j == i) continue;
                        siblings.add(new Keyring.PairedDevice(ids.get(j), keys.get(j).toCertificate()));
                        siblingIds.add(ids.get(j));
                    }
                    var config = ConfigFactory.parseString(String.join("\n", extraConfig, "pekko.loglevel = WARNING",
                            "pekko.stdout-loglevel = WARNING", "kinbox.query.sweep-interval = 300ms",
                            "kinbox.runtime.upload.backoff-min = 10ms", "kinbox.runtime.upload.backoff-max = 200ms"))
                            .withFallback(ConfigFactory.load());
                    var setup = BootstrapSetup.create(config).and(KinboxJournalSetup.of(Optional.of(store),
                            Optional.of(Keyring.fixed(ids.get(i), keys.get(i), siblings)), Optional.of(new InMemoryLocalLog())));
                    ActorTestKit kit = ActorTestKit.create(ActorSystem.create(Behaviors.empty(), "muaa-repl-" + i, setup));
                    kits.add(kit);
                    muaas.add(kit.spawn(Muaa.create(new Muaa.Settings("dana@example.org", ids.get(i), 1000), Clock.systemUTC(), siblingIds)));
                }
            } catch (Exception | Error e) {
                close();
                throw e;
            }
        }

        void awaitConverged() throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            List<byte[]> digests = digests(kits, muaas);
            while (!allEqual(digests) && System.nanoTime() < deadline) {
                Thread.sleep(200);
                digests = digests(kits, muaas);
            }
            assertTrue(allEqual(digests), () -> "three devices converge to one digest; seen: " + seen(kits, muaas));
        }

        AccountState state(int i) {
            TestProbe<StatusReply<AccountState>> states = kits.get(i).createTestProbe();
            muaas.get(i).tell(new Muaa.GetState(states.getRef()));
            return states.receiveMessage(WAIT).getValue();
        }

        @Override public void close() {
            for (ActorTestKit kit : kits) kit.shutdownTestKit();
        }
    }

    private static List<byte[]> digests(List<ActorTestKit> kits, List<ActorRef<Muaa.Command>> muaas) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < kits.size(); i++) {
            TestProbe<StatusReply<byte[]>> p = kits.get(i).createTestProbe();
            muaas.get(i).tell(new Muaa.GetDigest(p.getRef()));
            out.add(p.receiveMessage(WAIT).getValue());
        }
        return out;
    }

    private static String seen(List<ActorTestKit> kits, List<ActorRef<Muaa.Command>> muaas) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < kits.size(); i++) {
            TestProbe<StatusReply<AccountState>> p = kits.get(i).createTestProbe();
            muaas.get(i).tell(new Muaa.GetState(p.getRef()));
            b.append(i).append('=').append(p.receiveMessage(WAIT).getValue().context()).append("; ");
        }
        return b.toString();
    }

    private static boolean allEqual(List<byte[]> digests) {
        return digests.stream().allMatch(d -> Arrays.equals(d, digests.get(0)));
    }
}
