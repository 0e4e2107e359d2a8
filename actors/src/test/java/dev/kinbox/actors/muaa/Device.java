package dev.kinbox.actors.muaa;

import com.typesafe.config.ConfigFactory;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.Keyring;
import dev.kinbox.journal.KinboxJournalSetup;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/** One device of a test account: its own ActorSystem, local log, state-backed keyring and MUAA, on a shared mail store. */
final class Device implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final Environment.Timing FAST = new Environment.Timing(Duration.ofMillis(50), Duration.ofSeconds(8), Duration.ofDays(30), Duration.ofDays(1));
    /** As {@link #FAST}, but liveness checked hourly: within a test only what asks for a check runs one. */
    static final Environment.Timing HOURLY_CHECKS = new Environment.Timing(Duration.ofMillis(50), Duration.ofSeconds(8),
            Duration.ofDays(30), Duration.ofDays(1), Duration.ofHours(1));

    final String id;
    final ActorTestKit kit;
    final ActorRef<Muaa.Command> muaa;
    final MuaaKeyring keyring;
    final TestApprover approver = new TestApprover();
    final OpenPGPKey key;
    final InMemoryLocalLog log;
    private final MailStore store;
    private final String account;
    private final Clock clock;
    private final Environment.Timing timing;
    private final int snapshotEvery;

    Device(MailStore store, String account, Clock clock, Environment.Timing timing) throws Exception {
        this(store, account, clock, timing, 1000);
    }

    /** As above, the MUAA snapshotting every {@code snapshotEvery} events (a snapshot is what heals a withheld entry). */
    Device(MailStore store, String account, Clock clock, Environment.Timing timing, int snapshotEvery) throws Exception {
        this(store, account, clock, timing, Crypto.standard().generateKey("<device@kinbox.invalid>"), new InMemoryLocalLog(), snapshotEvery);
    }

    Device(MailStore store, String account, Clock clock, Environment.Timing timing, OpenPGPKey key, InMemoryLocalLog log) {
        this(store, account, clock, timing, key, log, 1000);
    }

    private Device(MailStore store, String account, Clock clock, Environment.Timing timing, OpenPGPKey key, InMemoryLocalLog log,
                   int snapshotEvery) {
        Crypto crypto = Crypto.standard();
        this.key = key;
        this.log = log;
        this.store = store;
        this.account = account;
        this.clock = clock;
        this.timing = timing;
        this.snapshotEvery = snapshotEvery;
        keyring = MuaaKeyring.of(key, crypto);
        id = keyring.deviceId();
        var config = ConfigFactory.parseString(String.join("\n", "pekko.loglevel = WARNING", "pekko.stdout-loglevel = WARNING",
                // what a provider stores behind the devices' backs (an injection, a replay, an entry delivered late)
                // and entries for a removed device come with no nudge: a reader finds them at its sweep, within
                // the tests' waits here (the embedding default sweeps every 30 s while the nudge watch runs)
                "kinbox.query.sweep-interval = 300ms", "kinbox.query.watched-sweep-interval = 2s", "kinbox.runtime.upload.backoff-min = 10ms",
                "kinbox.runtime.upload.backoff-max = 200ms")).withFallback(ConfigFactory.load());
        var setup = BootstrapSetup.create(config).and(KinboxJournalSetup.of(Optional.of(store), Optional.<Keyring>of(keyring), Optional.of(log)));
        kit = ActorTestKit.create(ActorSystem.create(Behaviors.empty(), "dev-" + id, setup));
        muaa = kit.spawn(Muaa.create(new Muaa.Settings(account, id, snapshotEvery), clock, new Environment(keyring, crypto, approver, timing)));
    }

    <T> T ask(Function<ActorRef<StatusReply<T>>, Muaa.Command> make) {
        StatusReply<T> r = askReply(make);
        if (r.isError()) throw new AssertionError("MUAA error: " + r.getError().getMessage());
        return r.getValue();
    }

    <T> StatusReply<T> askReply(Function<ActorRef<StatusReply<T>>, Muaa.Command> make) {
        TestProbe<StatusReply<T>> p = kit.createTestProbe();
        muaa.tell(make.apply(p.getRef()));
        return p.receiveMessage(WAIT);
    }

    StartOutcome start(String name) {
        return ask(r -> new Muaa.Start(name, Optional.empty(), r));
    }

    AccountState state() {
        return ask(Muaa.GetState::new);
    }

    byte[] digest() {
        return ask(Muaa.GetDigest::new);
    }

    LifecycleStats stats() {
        return ask(Muaa.GetStats::new);
    }

    /** The same device started again (same key and local log) after {@link #close}: a device coming back. */
    Device restart() {
        return new Device(store, account, clock, timing, key, log, snapshotEvery);
    }

    /** The persistence id of this device's journal. */
    String pid() {
        try {
            return dev.kinbox.journal.sma.SmaFolders.devicePersistenceId(account, id);
        } catch (dev.kinbox.journal.sma.SmaFormatException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until everything this device persisted is on the server. */
    void awaitUploaded() throws InterruptedException {
        if (!dev.kinbox.journal.KinboxJournalRuntime.get(kit.system().classicSystem()).awaitUploaded(pid(), WAIT)) {
            throw new AssertionError(id + " did not upload within " + WAIT);
        }
    }

    /** This device's journal counters (e.g. entries refused as untrusted). */
    dev.kinbox.journal.JournalStats journalStats() {
        return dev.kinbox.journal.KinboxJournalRuntime.get(kit.system().classicSystem()).stats();
    }

    @Override public void close() {
        kit.shutdownTestKit();
    }

    /** A user who answers as the test tells it: QR payloads and code decisions are queued by the test. */
    static final class TestApprover implements PairingApprover {
        final BlockingQueue<PairingRequest> asked = new LinkedBlockingQueue<>();
        final BlockingQueue<String> shownCodes = new LinkedBlockingQueue<>();
        volatile CompletableFuture<Optional<String>> qr = new CompletableFuture<>();
        volatile boolean approveCodes = true;

        @Override public CompletionStage<Optional<String>> scanQr(PairingRequest request) {
            asked.add(request);
            return qr;
        }

        @Override public CompletionStage<Boolean> showCode(PairingRequest request, String code) {
            asked.add(request);
            shownCodes.add(code);
            return CompletableFuture.completedFuture(approveCodes);
        }
    }
}
