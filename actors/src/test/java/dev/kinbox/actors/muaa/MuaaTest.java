package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.Keyring;
import dev.kinbox.journal.KinboxJournalRuntime;
import dev.kinbox.journal.KinboxJournalSetup;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.ContactEvent;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.setup.ActorSystemSetup;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.Test;

/** One device's MUAA on the real journal plugins over a memory mail store and an in-memory local log. */
class MuaaTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static ActorTestKit kit(MemoryMailStore store, Keyring keyring, InMemoryLocalLog log, String name) {
        var config = ConfigFactory.parseString("pekko.loglevel = WARNING\npekko.stdout-loglevel = WARNING")
                .withFallback(ConfigFactory.load());
        ActorSystemSetup setup = BootstrapSetup.create(config)
                .and(KinboxJournalSetup.of(Optional.of(store), Optional.of(keyring), Optional.of(log)));
        return ActorTestKit.create(ActorSystem.create(Behaviors.empty(), name, setup));
    }

    private static byte[] digest(ActorTestKit kit, ActorRef<Muaa.Command> muaa) {
        TestProbe<StatusReply<byte[]>> p = kit.createTestProbe();
        muaa.tell(new Muaa.GetDigest(p.getRef()));
        return p.receiveMessage(WAIT).getValue();
    }

    @Test void watcher_getsTheStateAfterEveryChange_untilItUnwatches() throws Exception {
        OpenPGPKey key = Crypto.standard().generateKey("<device@kinbox.invalid>");
        String deviceId = Keyring.deviceIdOf(key.toCertificate());
        ActorTestKit kit = kit(new MemoryMailStore(), Keyring.fixed(deviceId, key, List.of()), new InMemoryLocalLog(), "muaa-watch");
        try {
            ActorRef<Muaa.Command> muaa = kit.spawn(Muaa.create(new Muaa.Settings("alice@example.org", deviceId, 100), Clock.systemUTC()));
            TestProbe<AccountState> listener = kit.createTestProbe();
            TestProbe<StatusReply<AccountState>> replies = kit.createTestProbe();
            TestProbe<StatusReply<AccountEvent>> edits = kit.createTestProbe();
            muaa.tell(new Muaa.ChangeSetting("before", "1", edits.getRef()));
            edits.receiveMessage(WAIT);
            muaa.tell(new Muaa.Watch(listener.getRef(), true, replies.getRef()));
            assertEquals("1", replies.receiveMessage(WAIT).getValue().settings().get("before").value(), "starts from the current state");
            muaa.tell(new Muaa.ChangeSetting("k", "a", edits.getRef()));
            muaa.tell(new Muaa.ChangeSetting("k", "b", edits.getRef()));
            assertEquals("a", listener.receiveMessage(WAIT).settings().get("k").value());
            assertEquals("b", listener.receiveMessage(WAIT).settings().get("k").value());
            muaa.tell(new Muaa.Watch(listener.getRef(), false, replies.getRef()));
            replies.receiveMessage(WAIT);
            muaa.tell(new Muaa.ChangeSetting("k", "c", edits.getRef()));
            edits.receiveMessage(WAIT);
            edits.receiveMessage(WAIT);
            edits.receiveMessage(WAIT);
            listener.expectNoMessage(Duration.ofMillis(300));
        } finally {
            kit.shutdownTestKit();
        }
    }

    @Test void persistFailure_restartsTheDeviceWithBackOff_insteadOfStoppingIt() throws Exception {
        OpenPGPKey key = Crypto.standard().generateKey("<device@kinbox.invalid>");
        String deviceId = Keyring.deviceIdOf(key.toCertificate());
        InMemoryLocalLog real = new InMemoryLocalLog();
        java.util.concurrent.atomic.AtomicInteger failuresLeft = new java.util.concurrent.atomic.AtomicInteger(1);
        dev.kinbox.persistence.store.LocalLog flaky = (dev.kinbox.persistence.store.LocalLog) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {dev.kinbox.persistence.store.LocalLog.class}, (proxy, m, args) -> {
                    if (m.getName().equals("append") && failuresLeft.getAndDecrement() > 0) {
                        throw new dev.kinbox.persistence.store.StoreException("disk briefly unavailable (test)");
                    }
                    try {
                        return m.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        var config = ConfigFactory.parseString("pekko.loglevel = OFF\npekko.stdout-loglevel = OFF").withFallback(ConfigFactory.load());
        ActorTestKit kit = ActorTestKit.create(ActorSystem.create(Behaviors.empty(), "muaa-flaky", BootstrapSetup.create(config)
                .and(KinboxJournalSetup.of(Optional.of(new MemoryMailStore()), Optional.of(Keyring.fixed(deviceId, key, List.of())),
                        Optional.of(flaky)))));
        try {
            ActorRef<Muaa.Command> muaa = kit.spawn(Muaa.create(new Muaa.Settings("alice@example.org", deviceId, 100), Clock.systemUTC()));
            TestProbe<StatusReply<AccountEvent>> edits = kit.createTestProbe();
            muaa.tell(new Muaa.ChangeSetting("lost", "1", edits.getRef()));
            edits.expectNoMessage(Duration.ofMillis(500)); // the failed persist is not acknowledged
            StatusReply<AccountEvent> ok = null;
            for (int i = 0; i < 50 && ok == null; i++) { // the restarted device answers again
                muaa.tell(new Muaa.ChangeSetting("kept", "2", edits.getRef()));
                try {
                    ok = edits.receiveMessage(Duration.ofMillis(400));
                } catch (AssertionError notYet) {
                    // restarting (back-off)
                }
            }
            assertTrue(ok != null && ok.isSuccess(), "the device came back after the failed persist");
            TestProbe<StatusReply<AccountState>> states = kit.createTestProbe();
            muaa.tell(new Muaa.GetState(states.getRef()));
            AccountState s = states.receiveMessage(WAIT).getValue();
            assertEquals("2", s.settings().get("kept").value());
            assertEquals(null, s.settings().get("lost"), "the failed edit was never applied");
        } finally {
            kit.shutdownTestKit();
        }
    }

    @Test void restartedDevice_recoversItsSettingsFromItsLocalLog() throws Exception {
        OpenPGPKey key = Crypto.standard().generateKey("<device@kinbox.invalid>");
        String deviceId = Keyring.deviceIdOf(key.toCertificate());
        Keyring keyring = Keyring.fixed(deviceId, key, List.of());
        MemoryMailStore store = new MemoryMailStore();
        InMemoryLocalLog log = new InMemoryLocalLog();
        Muaa.Settings settings = new Muaa.Settings("alice@example.org", deviceId, 3);

        ActorTestKit first = kit(store, keyring, log, "muaa-first");
        byte[] before;
        try {
            ActorRef<Muaa.Command> muaa = first.spawn(Muaa.create(settings, Clock.systemUTC()));
            TestProbe<StatusReply<AccountEvent>> edits = first.createTestProbe();
            for (int i = 1; i <= 4; i++) {
                muaa.tell(new Muaa.ChangeSetting("k" + i, "v" + i, edits.getRef()));
                StatusReply<AccountEvent> r = edits.receiveMessage(WAIT);
                assertEquals(i, r.getValue().dot().seq(), "own dots are consecutive");
                assertEquals(deviceId, r.getValue().origin());
            }
            TestProbe<StatusReply<AccountState>> states = first.createTestProbe();
            muaa.tell(new Muaa.GetState(states.getRef()));
            AccountState s = states.receiveMessage(WAIT).getValue();
            assertEquals("v4", s.settings().get("k4").value());
            assertEquals(4, s.context().contiguous(deviceId));
            before = digest(first, muaa);
            assertFalse(java.util.Arrays.equals(before, new dev.kinbox.persistence.KinboxCodec().digest(AccountState.EMPTY)));
        } finally {
            first.shutdownTestKit();
        }

        ActorTestKit second = kit(store, keyring, log, "muaa-second");
        try {
            ActorRef<Muaa.Command> again = second.spawn(Muaa.create(settings, Clock.systemUTC()));
            assertArrayEquals(before, digest(second, again));
            TestProbe<StatusReply<AccountEvent>> edits = second.createTestProbe();
            again.tell(new Muaa.ChangeSetting("k5", "v5", edits.getRef()));
            assertEquals(5, edits.receiveMessage(WAIT).getValue().dot().seq(), "the next dot follows the recovered ones");
        } finally {
            second.shutdownTestKit();
        }
    }

    @Test void deviceWithEmptyLocalLog_restoresItsStateFromImap() throws Exception {
        OpenPGPKey key = Crypto.standard().generateKey("<device@kinbox.invalid>");
        String deviceId = Keyring.deviceIdOf(key.toCertificate());
        Keyring keyring = Keyring.fixed(deviceId, key, List.of());
        MemoryMailStore store = new MemoryMailStore();
        Muaa.Settings settings = new Muaa.Settings("bob@example.org", deviceId, 100);

        ActorTestKit first = kit(store, keyring, new InMemoryLocalLog(), "muaa-imap-first");
        byte[] before;
        try {
            ActorRef<Muaa.Command> muaa = first.spawn(Muaa.create(settings, Clock.systemUTC()));
            TestProbe<StatusReply<AccountEvent>> edits = first.createTestProbe();
            for (int i = 1; i <= 3; i++) {
                muaa.tell(new Muaa.ChangeSetting("k" + i, "v" + i, edits.getRef()));
                edits.receiveMessage(WAIT);
            }
            before = digest(first, muaa);
            String pid = dev.kinbox.journal.sma.SmaFolders.devicePersistenceId("bob@example.org", deviceId);
            assertTrue(KinboxJournalRuntime.get(first.system().classicSystem()).awaitUploaded(pid, WAIT), "uploaded to IMAP");
        } finally {
            first.shutdownTestKit();
        }

        ActorTestKit fresh = kit(store, keyring, new InMemoryLocalLog(), "muaa-imap-fresh");
        try {
            ActorRef<Muaa.Command> restored = fresh.spawn(Muaa.create(settings, Clock.systemUTC()));
            assertArrayEquals(before, digest(fresh, restored));
        } finally {
            fresh.shutdownTestKit();
        }
    }

    @Test void contactsAndIncomingEvents_persistWithStampedDots_andWrongDotsAreRefused() throws Exception {
        OpenPGPKey key = Crypto.standard().generateKey("<device@kinbox.invalid>");
        String deviceId = Keyring.deviceIdOf(key.toCertificate());
        ActorTestKit kit = kit(new MemoryMailStore(), Keyring.fixed(deviceId, key, List.of()), new InMemoryLocalLog(), "muaa-contacts");
        try {
            ActorRef<Muaa.Command> muaa = kit.spawn(Muaa.create(new Muaa.Settings("carol@example.org", deviceId, 100), Clock.systemUTC()));
            TestProbe<StatusReply<AccountEvent>> one = kit.createTestProbe();
            muaa.tell(new Muaa.CreateContact("c1", one.getRef()));
            assertEquals(1, one.receiveMessage(WAIT).getValue().dot().seq());
            muaa.tell(new Muaa.EditContact("c1", "name", "Dave", one.getRef()));
            assertEquals(2, one.receiveMessage(WAIT).getValue().dot().seq());

            TestProbe<StatusReply<List<AccountEvent>>> many = kit.createTestProbe();
            muaa.tell(new Muaa.RecordIncoming((state, stamp) -> List.of(
                    new ContactEvent.ContactCreated(stamp.nextDot(), stamp.now(), "c2"),
                    new ContactEvent.ContactFieldChanged(stamp.nextDot(), stamp.now(), "c2", "name", "Erin")), many.getRef()));
            List<AccountEvent> recorded = many.receiveMessage(WAIT).getValue();
            assertEquals(List.of(3L, 4L), recorded.stream().map(e -> e.dot().seq()).toList());

            byte[] before = digest(kit, muaa);
            muaa.tell(new Muaa.RecordIncoming((state, stamp) -> List.of(
                    new ContactEvent.ContactCreated(new Dot(deviceId, 99), stamp.now(), "c3")), many.getRef()));
            assertTrue(many.receiveMessage(WAIT).isError(), "an event with an unstamped dot is refused");
            muaa.tell(new Muaa.RecordIncoming((state, stamp) -> { throw new IllegalStateException("malformed mail"); }, many.getRef()));
            assertTrue(many.receiveMessage(WAIT).isError(), "a failing preparation is an error reply");
            assertArrayEquals(before, digest(kit, muaa), "refused commands change nothing");

            TestProbe<StatusReply<AccountState>> states = kit.createTestProbe();
            muaa.tell(new Muaa.GetState(states.getRef()));
            AccountState s = states.receiveMessage(WAIT).getValue();
            assertTrue(s.contacts().get("c1") != null && s.contacts().get("c2") != null, "both contacts exist");
            assertEquals(4, s.context().contiguous(deviceId));
        } finally {
            kit.shutdownTestKit();
        }
    }
}
