package dev.kinbox.journal;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStores;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaFormatException;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import dev.kinbox.persistence.store.LevelDbLocalLog;
import dev.kinbox.persistence.store.LocalLog;
import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.duration.FiniteDuration;

/**
 * The per-ActorSystem runtime behind the three plugins ({@link KinboxJournal},
 * {@link KinboxSnapshotStore}, {@code KinboxReadJournal}): the local log, the mail store, the keyring,
 * one {@link Uploader} per persistence id and the blocking executor. Built from {@code kinbox.runtime}
 * and the optional {@link KinboxJournalSetup}; {@link #get(ActorSystem)} returns it. Closed with the
 * ActorSystem (what it opened itself only).
 */
public final class KinboxJournalRuntime implements Extension {
    private static final Logger LOG = LoggerFactory.getLogger(KinboxJournalRuntime.class);
    private static final Map<String, MemoryMailStore> MEMORY_STORES = new ConcurrentHashMap<>();

    private final ActorSystem system;
    private final JournalSettings settings;
    private final LocalLog log;
    private final MailStore store;
    private final Keyring keyring;
    private final Sealer sealer;
    private final Executor blocking;
    private final Clock clock = Clock.systemUTC();
    private final JournalStats stats = new JournalStats();
    private final LocalJournal local;
    private final PayloadSerde serde;
    private final Restorer restorer;
    private final Nudges nudges;
    private final Wakeups wakeups;
    private final Queries queries;
    private final Map<String, Uploader> uploaders = new ConcurrentHashMap<>();
    private final List<AutoCloseable> owned = new ArrayList<>();
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

    /** The extension id. */
    public static final Id ID = new Id();

    /** Pekko's handle for the runtime extension. */
    public static final class Id extends AbstractExtensionId<KinboxJournalRuntime> implements ExtensionIdProvider {
        @Override public KinboxJournalRuntime createExtension(ExtendedActorSystem system) { return new KinboxJournalRuntime(system); }
        @Override public Id lookup() { return ID; }
    }

    /** The runtime of {@code system}, created on first use. */
    public static KinboxJournalRuntime get(ActorSystem system) {
        return ID.get(system);
    }

    /** The in-JVM store named {@code memory:<name>}, shared by every system that names it (tests, simulator). */
    public static MemoryMailStore memoryStore(String name) {
        return MEMORY_STORES.computeIfAbsent(name, n -> new MemoryMailStore());
    }

    private KinboxJournalRuntime(ExtendedActorSystem system) {
        this.system = system;
        this.settings = JournalSettings.fromConfig(system.settings().config());
        Optional<KinboxJournalSetup> setup = system.settings().setup().get(KinboxJournalSetup.class);
        this.blocking = tracked(system.dispatchers().lookup(settings.blockingDispatcher()));
        Crypto crypto = new Crypto(clock, new SecureRandom());
        this.keyring = setup.flatMap(KinboxJournalSetup::keyring).orElseGet(() -> configuredKeyring(crypto));
        this.log = setup.flatMap(KinboxJournalSetup::localLog).orElseGet(this::openLocalLog);
        this.store = setup.flatMap(KinboxJournalSetup::mailStore).orElseGet(this::openStore);
        this.sealer = new Sealer(crypto, keyring);
        this.serde = new PayloadSerde(system);
        this.local = new LocalJournal(log, serde);
        this.restorer = new Restorer(log, sealer, this::folder, stats, settings.maxFetch());
        this.nudges = new Nudges(store, keyring, clock, stats);
        this.wakeups = new Wakeups(store, new ServerFolder(store, deviceFolder(keyring.deviceId()), stats), blocking, stats);
        this.queries = new Queries(this, wakeups);
        system.registerOnTermination(this::close);
    }

    public JournalSettings settings() { return settings; }
    public MailStore mailStore() { return store; }
    public LocalLog localLog() { return log; }
    public Keyring keyring() { return keyring; }
    public JournalStats stats() { return stats; }

    /** The folder that holds {@code persistenceId}'s journal. */
    public static String folderOf(String persistenceId) {
        try {
            return SmaFolders.folderFor(persistenceId);
        } catch (SmaFormatException e) {
            throw new JournalException.Malformed("persistence id cannot be stored: " + e.getMessage(), e);
        }
    }

    /**
     * Waits until every event and snapshot stored locally for {@code persistenceId} is confirmed on the
     * server, or the timeout passes; true when it is (tests, benchmarks, orderly shutdown).
     */
    public boolean awaitUploaded(String persistenceId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Uploader u = uploader(persistenceId);
        u.kick();
        while (System.nanoTime() < deadline) {
            if (u.idle()) return true;
            Thread.sleep(2);
        }
        return u.idle();
    }

    /**
     * The events of {@code persistenceId} as read from its folder on the server (the read journal's
     * work; use {@code KinboxReadJournal}). Live sources never complete.
     */
    public org.apache.pekko.stream.javadsl.Source<org.apache.pekko.persistence.query.EventEnvelope, org.apache.pekko.NotUsed> events(
            String persistenceId, long fromSequenceNr, long toSequenceNr, boolean live) {
        return queries.events(persistenceId, fromSequenceNr, toSequenceNr, live);
    }

    /** Wakes live queries now (as a nudge would); for embedding applications that learn of changes otherwise. */
    public void wakeQueries() {
        wakeups.signal();
    }

    private static String deviceFolder(String deviceId) {
        try {
            return SmaFolders.deviceFolder(deviceId);
        } catch (SmaFormatException e) {
            throw new JournalException.BadConfig("device id must be 16 lowercase hex digits");
        }
    }

    Executor blocking() { return blocking; }
    LocalJournal local() { return local; }
    PayloadSerde serde() { return serde; }
    Sealer sealer() { return sealer; }
    Restorer restorer() { return restorer; }
    Clock clock() { return clock; }

    ServerFolder folder(String pid) {
        return new ServerFolder(store, folderOf(pid), stats);
    }

    Uploader uploader(String pid) {
        return uploaders.computeIfAbsent(pid, p -> new Uploader(p, uploaderRuntime));
    }

    private final Uploader.Runtime uploaderRuntime = new Uploader.Runtime() {
        @Override public LocalLog log() { return log; }
        @Override public Sealer sealer() { return sealer; }
        @Override public JournalSettings settings() { return settings; }
        @Override public Clock clock() { return clock; }
        @Override public Executor executor() { return blocking; }
        @Override public void schedule(Duration delay, Runnable task) {
            if (closed) return;
            try {
                system.scheduler().scheduleOnce(FiniteDuration.create(delay.toNanos(), TimeUnit.NANOSECONDS), task, system.dispatcher());
            } catch (IllegalStateException e) {
                // the system is shutting down: the backlog stays local and uploads after the next start
            }
        }
        @Override public boolean closed() { return closed; }
        @Override public JournalStats stats() { return stats; }
        @Override public ServerFolder folder(String pid) { return KinboxJournalRuntime.this.folder(pid); }
        @Override public void nudgeSiblings(long seq) { if (settings.upload().nudgeSiblings()) nudges.nudgeAll(seq); }
        @Override public void uploaded(String pid, long seq) { }
    };

    private Keyring configuredKeyring(Crypto crypto) {
        try {
            OpenPGPKey key;
            if (settings.deviceKeyFile().isPresent()) {
                key = crypto.readKey(Files.readAllBytes(settings.deviceKeyFile().get()));
            } else {
                LOG.warn("kinbox.runtime.device-key-file is empty: using a fresh key for this ActorSystem");
                key = crypto.generateKey("<device@kinbox.invalid>");
            }
            String id = settings.deviceId().orElseGet(() -> Keyring.deviceIdOf(key.toCertificate()));
            if (!SmaFolders.isDeviceId(id)) throw new JournalException.BadConfig("kinbox.runtime.device-id must be 16 lowercase hex digits");
            List<Keyring.PairedDevice> sibs = new ArrayList<>();
            for (JournalSettings.SiblingFile s : settings.siblings()) {
                if (!SmaFolders.isDeviceId(s.deviceId())) throw new JournalException.BadConfig("sibling device-id must be 16 lowercase hex digits");
                sibs.add(new Keyring.PairedDevice(s.deviceId(), crypto.readCertificate(Files.readAllBytes(s.certificateFile()))));
            }
            return Keyring.fixed(id, key, sibs);
        } catch (IOException | CryptoException e) {
            throw new JournalException.BadConfig("cannot load kinbox keys: " + e.getMessage(), e);
        }
    }

    private LocalLog openLocalLog() {
        if (settings.localDir().isEmpty()) return new InMemoryLocalLog();
        try {
            Files.createDirectories(settings.localDir().get());
        } catch (IOException e) {
            throw new JournalException.BadConfig("cannot create kinbox.runtime.local-dir: " + e.getMessage(), e);
        }
        LocalLog l = LevelDbLocalLog.open(settings.localDir().get(), new LevelDbLocalLog.Settings(settings.localFsync(), true));
        owned.add(l);
        return l;
    }

    private MailStore openStore() {
        String spec = settings.store();
        if (spec.startsWith("memory:")) return memoryStore(spec.substring("memory:".length()));
        MailStores.Running r = MailStores.open(spec, System.getenv());
        owned.add(r);
        return r.store();
    }

    /**
     * Runs blocking work on {@code pool} while the runtime is open; after close, work not yet started
     * is dropped (its future never completes, the system is gone) and close waits for running work,
     * so nothing touches a closed local log.
     */
    private Executor tracked(Executor pool) {
        return task -> {
            inFlight.incrementAndGet();
            try {
                pool.execute(() -> {
                    try {
                        if (!closed) task.run();
                    } finally {
                        inFlight.decrementAndGet();
                    }
                });
            } catch (RuntimeException e) {
                inFlight.decrementAndGet();
                throw e;
            }
        };
    }

    private void close() {
        closed = true;
        wakeups.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (inFlight.get() > 0) LOG.warn("{} blocking tasks still running at shutdown", inFlight.get());
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                LOG.warn("closing {}: {}", owned.get(i).getClass().getSimpleName(), e.toString());
            }
        }
    }
}
