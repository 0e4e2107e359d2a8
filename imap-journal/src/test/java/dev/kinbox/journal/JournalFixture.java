package dev.kinbox.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.persistence.store.LocalLog;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.setup.ActorSystemSetup;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/** Test helpers: device keys, ActorSystems wired to a given store, keyring and local log. */
final class JournalFixture {
    private static final AtomicInteger SYSTEMS = new AtomicInteger();
    static final Crypto CRYPTO = Crypto.standard();

    private JournalFixture() {}

    static final String BASE = String.join("\n",
            "pekko.loglevel = WARNING",
            "pekko.stdout-loglevel = WARNING",
            "pekko.persistence.journal.plugin = \"kinbox.journal\"",
            "pekko.persistence.snapshot-store.plugin = \"kinbox.snapshot-store\"",
            "kinbox.runtime.upload.backoff-min = 10ms",
            "kinbox.runtime.upload.backoff-max = 200ms",
            "kinbox.query.sweep-interval = 300ms",
            "pekko.actor.serializers.test-payload = \"dev.kinbox.journal.TestPayloadSerializer\"",
            "pekko.actor.serialization-bindings { \"dev.kinbox.journal.TestPayload\" = test-payload }");

    /** A device: key and id. */
    record Device(String id, OpenPGPKey key) {
        Keyring.PairedDevice paired() {
            return new Keyring.PairedDevice(id, key.toCertificate());
        }
    }

    static Device device() {
        try {
            OpenPGPKey k = CRYPTO.generateKey("<device@kinbox.invalid>");
            return new Device(Keyring.deviceIdOf(k.toCertificate()), k);
        } catch (CryptoException e) {
            throw new AssertionError(e);
        }
    }

    static ActorSystem system(MailStore store, Keyring keyring, LocalLog log) {
        return system(store, keyring, log, "");
    }

    static ActorSystem system(MailStore store, Keyring keyring, LocalLog log, String extraConfig) {
        // the test's own settings come last, so they win over BASE's (HOCON keeps the last of a duplicate key)
        Config c = ConfigFactory.parseString(BASE + "\n" + extraConfig).withFallback(ConfigFactory.load());
        ActorSystemSetup setup = BootstrapSetup.create(c).and(KinboxJournalSetup.of(Optional.of(store), Optional.of(keyring), Optional.of(log)));
        return ActorSystem.create("kinbox-test-" + SYSTEMS.incrementAndGet(), setup);
    }

    static Keyring keyring(Device me, Device... siblings) {
        return Keyring.fixed(me.id(), me.key(), java.util.Arrays.stream(siblings).map(Device::paired).toList());
    }

    static List<String> strings(int from, int to, String prefix) {
        return java.util.stream.IntStream.rangeClosed(from, to).mapToObj(i -> prefix + i).toList();
    }
}
