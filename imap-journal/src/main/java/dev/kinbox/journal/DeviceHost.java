package dev.kinbox.journal;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaHeader;
import dev.kinbox.persistence.store.LocalLog;
import dev.kinbox.persistence.store.ReplicationCursor;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Everything the plugins keep per hosted device: its keyring and sealer, its account's mail store,
 * its local log (with the journal, snapshot and restore views on it), its uploaders, nudges and the
 * wake-ups of its live queries. The runtime routes each persistence id to one host
 * ({@link KinboxJournalRuntime#hostFor}); shared parts (settings, executor, serialization, stats)
 * stay in the runtime.
 */
final class DeviceHost {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DeviceHost.class);
    final Keyring keyring;
    final MailStore store;
    final LocalLog log;
    final Sealer sealer;
    final LocalJournal local;
    final SnapshotTier snapshots;
    final Restorer restorer;
    final Queries queries;
    private final Nudges nudges;
    private final Wakeups wakeups;
    private final KinboxJournalRuntime rt;
    private final Map<String, Uploader> uploaders = new ConcurrentHashMap<>();
    private final Uploader.Runtime uploaderRuntime;
    private volatile boolean closed;
    private volatile boolean retired;
    private final String own;
    /** Whether this device's folder, found gone, may be created again (a retirement while it was not running?). */
    private final FolderDoubt doubt;

    DeviceHost(KinboxJournalRuntime rt, Crypto crypto, Keyring keyring, MailStore store, LocalLog log) {
        this.rt = rt;
        this.keyring = keyring;
        this.store = store;
        this.log = log;
        this.sealer = new Sealer(crypto, keyring);
        this.local = new LocalJournal(log, rt.serde());
        this.snapshots = new SnapshotTier(log, rt.serde(), keyring.deviceId(), rt.settings().keepSnapshots(), rt.settings().compact());
        this.restorer = new Restorer(log, sealer, this::folder, rt.stats(), rt.settings().maxFetch());
        this.nudges = new Nudges(store, keyring, rt.clock(), rt.stats());
        this.own = KinboxJournalRuntime.deviceFolder(keyring.deviceId());
        this.doubt = new FolderDoubt(own, this::retirementNoticed, () -> uploaders.values().forEach(Uploader::resume),
                rt.settings().upload().goneFolderWait(), System::nanoTime, rt::schedule);
        // the watch on our own folder lost track of it (reconnected, recreated, a new UIDVALIDITY): the uploaders writing
        // into it check it - a restore from an older backup may have lost what they uploaded last, with no upload to come
        this.wakeups = new Wakeups(store, new ServerFolder(store, own, rt.stats()), rt.blocking(), rt.stats(),
                () -> uploaders.forEach((pid, u) -> { if (KinboxJournalRuntime.folderOf(pid).equals(own)) u.recheck(); }),
                this::watchMayCreate);
        this.queries = new Queries(rt, this, wakeups);
        this.uploaderRuntime = new UploaderRuntime();
        // retired in an earlier run: known before the first upload run, which a recovery starts before its MUAA could say so
        this.retired = Cursors.seq(log, Cursors.retired(keyring.deviceId())) > 0;
        if (retired) wakeups.retire();
    }

    String deviceId() {
        return keyring.deviceId();
    }

    ServerFolder folder(String pid) {
        return new ServerFolder(store, KinboxJournalRuntime.folderOf(pid), rt.stats());
    }

    Uploader uploader(String pid) {
        Uploader u = uploaders.computeIfAbsent(pid, p -> new Uploader(p, uploaderRuntime));
        if (retired) u.retire(); // retired in an earlier run, or one made while retire() ran and missed by it
        return u;
    }

    /**
     * This device was retired from its account: its folder is its siblings' to delete, so nothing here
     * creates it again - the uploaders halt once they find it gone ({@link Uploader#retire}) and the
     * nudge watch stops ({@link Wakeups#retire}). For good: kept in the local log, so a later host of the
     * device (a restart) knows it before its first upload run.
     */
    void retire() {
        if (!retired) {
            retired = true;
            try {
                Cursors.saveSeq(log, Cursors.retired(keyring.deviceId()), 1);
            } catch (RuntimeException e) { // this run knows it still; the next start learns it again from its MUAA
                LOG.warn("cannot record in the local log that device {} was retired: {}", keyring.deviceId(), e.toString());
            }
        }
        uploaders.values().forEach(Uploader::retire);
        wakeups.retire();
    }

    /**
     * This device's MUAA read the account's retirement notices and none it trusts names the device: a
     * folder of its found gone is created again ({@link FolderDoubt}).
     */
    void notRetired() {
        doubt.notRetired();
    }

    /** See {@link FolderDoubt#onDoubt}. */
    void onRetirementDoubt(Runnable listener) {
        doubt.onDoubt(listener);
    }

    /** See {@link FolderDoubt#offDoubt}. */
    void offRetirementDoubt(Runnable listener) {
        doubt.offDoubt(listener);
    }

    /**
     * Whether something in {@code _Autocrypt_SMA} may say this device was retired: a retirement notice naming it, or a
     * retirement roll, whose list of ids is in its signed body (one SEARCH, two when there is no notice; none when that
     * folder is missing). Only the MUAA can judge either.
     */
    private boolean retirementNoticed() {
        try {
            return !store.search(SmaFolders.ANNOUNCEMENTS, SmaHeader.NAME, "retired=" + keyring.deviceId()).isEmpty()
                    || !store.search(SmaFolders.ANNOUNCEMENTS, SmaHeader.NAME, "type=roll").isEmpty();
        } catch (MailStoreException.FolderMissing e) {
            return false;
        }
    }

    /**
     * Whether the nudge watch may start now, which creates the folder: not while its re-creation waits for the word, nor
     * when it is gone where this device had uploaded and that is in doubt ({@link FolderDoubt}). One STATUS for a device
     * that had the folder; nothing more for one that never uploaded (a new device creates its folder).
     */
    private boolean watchMayCreate() {
        if (doubt.waiting()) return false;
        long had = uploadedUnder();
        if (had == 0) return true;
        try {
            store.status(own);
            return true;
        } catch (MailStoreException.FolderMissing e) {
            return doubt.mayCreate(had);
        }
    }

    /**
     * The UIDVALIDITY of this device's own folder that its upload cursor has (the folder it uploaded into last), 0 when it
     * never uploaded: which loss of the folder {@link FolderDoubt} is asked about.
     */
    private long uploadedUnder() {
        return uploaders.keySet().stream().filter(pid -> KinboxJournalRuntime.folderOf(pid).equals(own))
                .mapToLong(pid -> Cursors.get(log, Cursors.upload(pid)).map(ReplicationCursor::uidValidity).orElse(0L)).max().orElse(0);
    }

    /** True while the nudge watch on this device's own folder runs. */
    boolean watchingNudges() {
        return wakeups.watching();
    }

    /** See {@link Wakeups#onPairingDrops}. */
    boolean onPairingDrops(Runnable listener) {
        return wakeups.onPairingDrops(listener);
    }

    /** See {@link Wakeups#stopPairingDrops}. */
    void stopPairingDrops(Runnable listener) {
        wakeups.stopPairingDrops(listener);
    }

    /** Wakes this device's live queries now. */
    void wake() {
        wakeups.signal();
    }

    /**
     * Stops the nudge watch and this host's uploaders (a run in progress ends at its next step, a
     * retry waiting out its back-off does nothing): a device added again later gets a new host whose
     * uploaders carry on from the cursors in its log. The store and log belong to whoever handed them in.
     */
    void close() {
        closed = true;
        wakeups.close();
    }

    private final class UploaderRuntime implements Uploader.Runtime {
        @Override public LocalLog log() { return log; }
        @Override public Sealer sealer() { return sealer; }
        @Override public JournalSettings settings() { return rt.settings(); }
        @Override public Clock clock() { return rt.clock(); }
        @Override public Executor executor() { return rt.blocking(); }
        @Override public void schedule(Duration delay, Runnable task) { rt.schedule(delay, task); }
        @Override public boolean closed() { return closed || rt.isClosed(); }
        @Override public JournalStats stats() { return rt.stats(); }
        @Override public ServerFolder folder(String pid) { return DeviceHost.this.folder(pid); }
        @Override public void nudgeSiblings(long seq) { if (rt.settings().upload().nudgeSiblings()) nudges.nudgeAll(seq); }
        @Override public void uploaded(String pid, long seq) { }
        @Override public boolean mayRecreate(String folder) { return !folder.equals(own) || doubt.mayCreate(uploadedUnder()); }
        @Override public boolean recreationWaits(String folder) { return folder.equals(own) && doubt.waiting(); }
    }
}
