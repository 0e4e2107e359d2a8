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
 * {@link KinboxSnapshotStore}, {@code KinboxReadJournal}). It hosts one or more devices
 * ({@link DeviceHost}: keyring, the account's mail store, local log, uploaders, nudges, query
 * wake-ups) and shares the blocking executor, serialization, settings and stats among them.
 *
 * <p>Routing: a device persistence id {@code sma|<account>|<deviceId>} goes to the device added with
 * {@link #addDevice}; every other persistence id goes to the <em>default device</em>, built on first
 * use from the {@link KinboxJournalSetup} and {@code kinbox.runtime} (one device per ActorSystem, the
 * simple embedding). A system that hosts devices with {@code addDevice} (or did: also once all are
 * removed again) and has neither a setup keyring nor {@code kinbox.runtime.device-key-file} has no
 * default device: a persistence id no hosted device owns is refused ({@link JournalException.BadConfig})
 * instead of silently getting a fresh key, and the calls that do nothing for a device not hosted here
 * do nothing. Closed with the ActorSystem (what it opened itself only).
 */
public final class KinboxJournalRuntime implements Extension {
    private static final Logger LOG = LoggerFactory.getLogger(KinboxJournalRuntime.class);
    private static final Map<String, MemoryMailStore> MEMORY_STORES = new ConcurrentHashMap<>();

    private final ActorSystem system;
    private final JournalSettings settings;
    private final Optional<KinboxJournalSetup> setup;
    private final Crypto crypto;
    private final Executor blocking;
    private final Executor localWork;
    private final Clock clock = Clock.systemUTC();
    private final JournalStats stats = new JournalStats();
    private final PayloadSerde serde;
    private final Map<String, DeviceHost> hosts = new ConcurrentHashMap<>();
    private volatile DeviceHost defaultHost;
    /** Set by the first {@link #addDevice}: from then on there is no default device unless one was configured. */
    private volatile boolean addedDevices;
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
        this.setup = system.settings().setup().get(KinboxJournalSetup.class);
        this.blocking = tracked(system.dispatchers().lookup(settings.blockingDispatcher()));
        this.localWork = tracked(system.dispatchers().lookup(settings.localDispatcher()));
        this.crypto = new Crypto(clock, new SecureRandom());
        this.serde = new PayloadSerde(system);
        system.registerOnTermination(this::close);
    }

    public JournalSettings settings() { return settings; }
    public JournalStats stats() { return stats; }

    /** The default device's mail store (see the class comment); refused when this system has no default device. */
    public MailStore mailStore() { return requireDefault().store; }

    /** The default device's local log. */
    public LocalLog localLog() { return requireDefault().log; }

    /** The default device's keyring. */
    public Keyring keyring() { return requireDefault().keyring; }

    /** The mail store of the device {@code deviceId} hosted here (added, or the default device). */
    public MailStore mailStore(String deviceId) { return hosted(deviceId).store; }

    /**
     * Hosts one more device in this ActorSystem: its persistence id {@code sma|<account>|<id>} is then
     * stored in {@code log}, uploaded to and read from {@code store} (its account's mailbox), sealed and
     * opened with {@code keyring}. The caller owns {@code store} and {@code log} and closes them after
     * {@link #removeDevice}. Refused when the device is already hosted.
     */
    public void addDevice(Keyring keyring, MailStore store, LocalLog log) {
        String id = keyring.deviceId();
        if (!SmaFolders.isDeviceId(id)) throw new JournalException.BadConfig("device id must be 16 lowercase hex digits");
        if (closed) throw new JournalException.BadConfig("the ActorSystem is terminating");
        addedDevices = true;
        DeviceHost fresh = new DeviceHost(this, crypto, keyring, store, log);
        if (hosts.putIfAbsent(id, fresh) != null) throw new JournalException.BadConfig("device " + id + " is already hosted here");
    }

    /**
     * Stops hosting a device (its actors must be stopped first); uploads it had not finished resume
     * when it is added again. Returns false when it was not hosted.
     */
    public boolean removeDevice(String deviceId) {
        DeviceHost h = hosts.remove(deviceId);
        if (h == null) return false;
        h.close();
        return true;
    }

    /** The devices added with {@link #addDevice} (the default device not included). */
    public java.util.Set<String> hostedDevices() {
        return java.util.Set.copyOf(hosts.keySet());
    }

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
     * server, or the timeout passes; true when it is (tests, benchmarks, orderly shutdown). A retired
     * device's uploads that halted ({@link #deviceRetired}) answer at once.
     */
    public boolean awaitUploaded(String persistenceId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Uploader u = hostFor(persistenceId).uploader(persistenceId);
        u.kick();
        while (System.nanoTime() < deadline) {
            if (u.idle()) return true;
            if (u.halted()) return false;
            Thread.sleep(2);
        }
        return u.idle();
    }

    /**
     * Completes with true once {@code persistenceId}'s events up to {@code sequenceNr} are confirmed on
     * the server (failed uploads are retried meanwhile); with false after {@code timeout}.
     * Never fails. For a step that must not be taken before an event is out of the local log only
     * (a pairing's {@code done}).
     */
    public java.util.concurrent.CompletableFuture<Boolean> uploadedThrough(String persistenceId, long sequenceNr, Duration timeout) {
        return hostFor(persistenceId).uploader(persistenceId).uploadedThrough(sequenceNr, timeout);
    }

    /**
     * Has the uploader of {@code persistenceId} check, at its next run, that its folder still holds
     * what it uploaded, and upload again what is gone or altered (deleted on the server behind its
     * back: siblings that had not read it would otherwise wait for its next snapshot). Returns at
     * once. Cheap enough to ask at every liveness check: a listing of the folder's headers, and each
     * message in its name new since the last audit that its own APPENDs did not put there opened once
     * (docs/PROTOCOL.md, "The author's audit"). Also for a device retired here ({@link #deviceRetired}),
     * as long as its folder is the one it uploaded into: a device that left repairs what the server lost
     * of its last entries while it waits for a sibling to read them; a folder gone or replaced stays so.
     */
    public void auditOwnFolder(String persistenceId) {
        hostFor(persistenceId).uploader(persistenceId).audit();
    }

    /**
     * The device {@code deviceId} hosted here was retired from its account (a sibling retired it, or
     * it left): its folder is its siblings' to delete, and from now on nothing here creates it again.
     * Its uploads go on while the folder is there (a device that leaves gets its last events up) and
     * halt for good once an upload finds it gone or replaced; what was not uploaded stays in the local
     * log. The nudge watch on the folder stops. For good: recorded in the device's local log, so when it
     * is started again its uploads know it from their first run, before its MUAA has recovered and
     * could say so. Idempotent; does nothing for a device not hosted here.
     */
    public void deviceRetired(String deviceId) {
        hostedIfAny(deviceId).ifPresent(DeviceHost::retire);
    }

    /**
     * The device {@code deviceId} hosted here read the account's retirement notices (at its start, or a
     * liveness check) and none it trusts names it. Its uploads and nudge watch, when they found its
     * folder gone where it had uploaded while a notice naming it is there, wait for this word (or for
     * {@code kinbox.runtime.upload.gone-folder-wait}) before they create the folder again; with
     * {@link #deviceRetired} instead they never do (docs/PROTOCOL.md, "Removal and expiry"). Cheap;
     * does nothing for a device not hosted here.
     */
    public void deviceNotRetired(String deviceId) {
        hostedIfAny(deviceId).ifPresent(DeviceHost::notRetired);
    }

    /**
     * Has {@code listener} run (on a journal thread, or at once when a wait is under way) when the uploads
     * or the watch of device {@code deviceId} begin to wait for the word above: the device's MUAA should
     * read the notices now and say {@link #deviceRetired} or {@link #deviceNotRetired}. Setting it again
     * replaces the listener. Does nothing for a device not hosted here.
     */
    public void onRetirementDoubt(String deviceId, Runnable listener) {
        hostedIfAny(deviceId).ifPresent(h -> h.onRetirementDoubt(listener));
    }

    /** Forgets {@code listener} if it is still {@code deviceId}'s. */
    public void offRetirementDoubt(String deviceId, Runnable listener) {
        hostedIfAny(deviceId).ifPresent(h -> h.offRetirementDoubt(listener));
    }

    /**
     * The events of {@code persistenceId} as read from its folder on the server by the default device,
     * or by the only hosted device when there is no default (the read journal's work; use
     * {@code KinboxReadJournal}). Live sources never complete.
     */
    public org.apache.pekko.stream.javadsl.Source<org.apache.pekko.persistence.query.EventEnvelope, org.apache.pekko.NotUsed> events(
            String persistenceId, long fromSequenceNr, long toSequenceNr, boolean live) {
        return defaultReader().queries.events(persistenceId, fromSequenceNr, toSequenceNr, live);
    }

    /** As {@link #events(String, long, long, boolean)}, read by the hosted device {@code readerDeviceId}. */
    public org.apache.pekko.stream.javadsl.Source<org.apache.pekko.persistence.query.EventEnvelope, org.apache.pekko.NotUsed> events(
            String readerDeviceId, String persistenceId, long fromSequenceNr, long toSequenceNr, boolean live) {
        return hosted(readerDeviceId).queries.events(persistenceId, fromSequenceNr, toSequenceNr, live);
    }

    /**
     * Reads back what {@code log} holds for {@code persistenceId} (deleted events skipped), each event
     * deserialized as the journal would replay it, in sequence order: for tools that inspect a
     * device's local journal, such as the simulator's traces. The log need not be hosted here.
     */
    public void replayLocal(LocalLog log, String persistenceId, java.util.function.Consumer<org.apache.pekko.persistence.PersistentRepr> each) {
        new LocalJournal(log, serde).replay(persistenceId, 1, Long.MAX_VALUE, Long.MAX_VALUE, each);
    }

    /**
     * Has {@code listener} run (on a journal thread) whenever the watch on {@code deviceId}'s own folder
     * sees pairing drops come in, or may have missed some (it reconnected, a read failed), so the device
     * takes them at once rather than at its next poll; starts that watch if it is not running (blocking
     * I/O: call it off actor threads). The watch is the one live queries use for nudges, so a device
     * with siblings pays nothing more. Calling it again replaces the listener and retries a watch that
     * could not start (offline). Returns whether the watch runs. Refused ({@link JournalException.BadConfig})
     * for a device not hosted here.
     */
    public boolean watchPairingDrops(String deviceId, Runnable listener) {
        return hosted(deviceId).onPairingDrops(listener);
    }

    /** Forgets {@code listener} if it is still {@code deviceId}'s (a device no longer hosted has none). */
    public void unwatchPairingDrops(String deviceId, Runnable listener) {
        hostedIfAny(deviceId).ifPresent(h -> h.stopPairingDrops(listener));
    }

    /** Wakes every hosted device's live queries now (as a nudge would); for applications that learn of changes otherwise. */
    public void wakeQueries() {
        hosts.values().forEach(DeviceHost::wake);
        DeviceHost d = defaultHost;
        if (d != null) d.wake();
    }

    static String deviceFolder(String deviceId) {
        try {
            return SmaFolders.deviceFolder(deviceId);
        } catch (SmaFormatException e) {
            throw new JournalException.BadConfig("device id must be 16 lowercase hex digits");
        }
    }

    Executor blocking() { return blocking; }
    /** The local log's own pool: persists and replays never wait behind network work. */
    Executor localWork() { return localWork; }
    PayloadSerde serde() { return serde; }
    Clock clock() { return clock; }
    boolean isClosed() { return closed; }

    /** The device that stores {@code persistenceId}: its hosted device, else the default device. */
    DeviceHost hostFor(String persistenceId) {
        Optional<String> device = SmaFolders.deviceOf(persistenceId);
        if (device.isPresent()) {
            DeviceHost h = hosts.get(device.get());
            if (h != null) return h;
        }
        if (!hasDefault()) throw new JournalException.BadConfig("no device hosted in this ActorSystem stores " + persistenceId);
        return defaultHost();
    }

    void schedule(Duration delay, Runnable task) {
        if (closed) return;
        try {
            system.scheduler().scheduleOnce(FiniteDuration.create(delay.toNanos(), TimeUnit.NANOSECONDS), task, system.dispatcher());
        } catch (IllegalStateException e) {
            // the system is shutting down: the backlog stays local and uploads after the next start
        }
    }

    private DeviceHost hosted(String deviceId) {
        return hostedIfAny(deviceId).orElseThrow(() -> new JournalException.BadConfig("device " + deviceId + " is not hosted in this ActorSystem"));
    }

    /** The host of {@code deviceId}: an added device, or the default device. */
    private Optional<DeviceHost> hostedIfAny(String deviceId) {
        DeviceHost h = hosts.get(deviceId);
        if (h != null) return Optional.of(h);
        DeviceHost d = hasDefault() ? defaultHost() : null;
        return d != null && d.deviceId().equals(deviceId) ? Optional.of(d) : Optional.empty();
    }

    private DeviceHost requireDefault() {
        if (!hasDefault()) throw new JournalException.BadConfig("this ActorSystem hosts devices added with addDevice and has no default"
                + " device: ask for a device's store with mailStore(deviceId)");
        return defaultHost();
    }

    private DeviceHost defaultReader() {
        if (hasDefault()) return defaultHost();
        List<DeviceHost> all = List.copyOf(hosts.values());
        if (all.size() == 1) return all.get(0);
        throw new JournalException.BadConfig(all.size() + " devices are hosted in this ActorSystem: name the reading device"
                + " (KinboxReadJournal.eventsByPersistenceId(readerDeviceId, ...))");
    }

    /**
     * A default device exists when it was configured, or when no device was ever added (tests, one-device embedding).
     * Not once the devices added are all removed again: a late call for one of them (a stopping MUAA's) would otherwise
     * make a device of its own, with a fresh key and the configured store.
     */
    private boolean hasDefault() {
        return defaultHost != null || setup.flatMap(KinboxJournalSetup::keyring).isPresent()
                || settings.deviceKeyFile().isPresent() || !addedDevices;
    }

    private DeviceHost defaultHost() {
        DeviceHost d = defaultHost;
        if (d != null) return d;
        synchronized (this) {
            if (defaultHost == null) {
                Keyring keyring = setup.flatMap(KinboxJournalSetup::keyring).orElseGet(() -> configuredKeyring(crypto));
                LocalLog log = setup.flatMap(KinboxJournalSetup::localLog).orElseGet(this::openLocalLog);
                MailStore store = setup.flatMap(KinboxJournalSetup::mailStore).orElseGet(this::openStore);
                defaultHost = new DeviceHost(this, crypto, keyring, store, log);
            }
            return defaultHost;
        }
    }

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
        hosts.values().forEach(DeviceHost::close);
        DeviceHost d = defaultHost;
        if (d != null) d.close();
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
