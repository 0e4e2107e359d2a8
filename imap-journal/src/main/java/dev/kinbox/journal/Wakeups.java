package dev.kinbox.journal;

import dev.kinbox.journal.mail.FolderEvent;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.mail.Watch;
import dev.kinbox.journal.sma.SmaFolders;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes live queries: a watch on this device's own folder, where siblings drop nudges. A change
 * there is read from where the last read ended (new messages only); each nudge found wakes the
 * queries of its author's folder, and the nudges are deleted. A change without a nudge (this
 * device's own upload, an expunge) wakes nobody. A reconnected or recreated watch wakes every query
 * (nudges may have come and gone unseen). A watch reports changes from its start on, so the start reads
 * the own folder once, for what came before it. Without a nudge a query wakes after the sweep interval
 * anyway. The same reads spot pairing drops and tell the MUAA's listener ({@link #onPairingDrops}),
 * which takes them itself. Started by the first live query or the first listener.
 */
final class Wakeups implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Wakeups.class);
    private final MailStore store;
    private final ServerFolder own;
    private final Executor executor;
    private final JournalStats stats;
    /** Woken by every nudge: queries of persistence ids that are not one device's (any sibling may write them). */
    private volatile CompletableFuture<Void> anyNudge = new CompletableFuture<>();
    /** Per sibling device: woken by its nudges and by {@link #signal()}. */
    private final ConcurrentHashMap<String, CompletableFuture<Void>> byDevice = new ConcurrentHashMap<>();
    private volatile Watch watch;
    private boolean closed;
    private final java.util.function.BooleanSupplier mayCreate;
    /** The device was retired ({@link #retire}): no watch, and its folder is not created again. */
    private volatile boolean retired;
    private int failedStarts;

    /** Reading the own folder: one read at a time; a change during a read asks for one more (guarded by {@code this}). */
    private boolean reading;
    private final Runnable ownFolderReset;
    private boolean readAgain;
    /** Where the last read of the own folder ended (only the reading thread touches these). */
    private long ownValidity = -1;
    private long ownReadUpTo;
    private final LateUids late = new LateUids();
    /** Told when pairing drops came in, or may have come unseen; nothing until a MUAA sets one. */
    private final AtomicReference<Runnable> pairingDrops = new AtomicReference<>(() -> { });

    /**
     * {@code ownFolderReset}: runs when the watch reports anything but a plain change of the own folder
     * (it reconnected, the folder was recreated or got a new UIDVALIDITY): its uploaders check it.
     * {@code mayCreate}: asked before each start, which creates the folder (blocking; false: not now,
     * a later start asks again) - a folder gone may be the siblings' clean-up ({@link FolderDoubt}).
     */
    Wakeups(MailStore store, ServerFolder own, Executor executor, JournalStats stats, Runnable ownFolderReset,
            java.util.function.BooleanSupplier mayCreate) {
        this.mayCreate = mayCreate;
        this.ownFolderReset = ownFolderReset;
        this.stats = stats;
        this.store = store;
        this.own = own;
        this.executor = executor;
    }

    /**
     * Starts the watch on our own folder if not yet running. Called by every new live query and again
     * after every sweep (and by every drop poll of a MUAA listening for pairing drops), so a watch that could not start (offline at the time) starts once the server
     * is back; the first failure is logged as a warning, the retries at debug level.
     */
    synchronized void start() {
        if (watch != null || closed || retired) return;
        try {
            if (!mayCreate.getAsBoolean()) return;
            own.create();
            watch = store.watch(own.name(), this::onEvent);
            if (failedStarts > 0) LOG.info("watching {} for nudges after {} failed attempt(s)", own.name(), failedStarts);
            failedStarts = 0;
            // a watch reports changes from now on: what came before it (a sibling's nudge while the first live
            // query read, a pairing drop) is read once now, not at the next change (seen: a query, the watch
            // running, waited its 30 s watched sweep for a nudge dropped while the watch started)
            onEvent(new FolderEvent.Changed(own.name()));
        } catch (MailStoreException e) {
            if (failedStarts++ == 0) LOG.warn("cannot watch {} for nudges and pairing drops ({}); live queries rely on the sweep, pairing on the drop poll, and both retry",
                    own.name(), e.toString());
            else LOG.debug("cannot watch {} ({}), attempt {}", own.name(), e.toString(), failedStarts);
        }
    }

    /**
     * Has {@code listener} told (on a blocking thread) when pairing drops come into the own folder, or may
     * have come unseen (the watch reconnected, a read failed), and starts the watch if it is not running:
     * blocking I/O. Setting it again replaces the listener and retries a watch that could not start.
     * Returns whether the watch runs.
     */
    boolean onPairingDrops(Runnable listener) {
        pairingDrops.set(listener);
        start();
        return watching();
    }

    /** Forgets {@code listener} if it is still the one set (a newer MUAA of the device may have replaced it). */
    void stopPairingDrops(Runnable listener) {
        pairingDrops.compareAndSet(listener, () -> { });
    }

    /** True while the nudge watch runs (queries retry {@link #start} after a sweep until it does). */
    boolean watching() {
        return watch != null && !retired; // a retired device's watch is on its way out
    }

    /** The future the next wake-up of {@code persistenceId}'s query completes. */
    CompletableFuture<Void> current(String persistenceId) {
        Optional<String> device = SmaFolders.deviceOf(persistenceId);
        return device.isEmpty() ? anyNudge : byDevice.computeIfAbsent(device.get(), d -> new CompletableFuture<>());
    }

    /** Completes when {@code wake} does or after {@code timeout}, whichever is first. */
    CompletableFuture<Void> await(CompletableFuture<Void> wake, Duration timeout) {
        CompletableFuture<Void> timer = new CompletableFuture<>();
        CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS, executor).execute(() -> timer.complete(null));
        return CompletableFuture.anyOf(wake, timer).thenApply(x -> null);
    }

    /** Wakes every waiting query. */
    void signal() {
        wakeAny();
        for (String d : byDevice.keySet()) wake(d);
    }

    /** Wakes the queries of these devices' folders, and those of persistence ids that are not one device's. */
    void signal(Set<String> devices) {
        wakeAny();
        for (String d : devices) wake(d);
    }

    private void wakeAny() {
        CompletableFuture<Void> n = anyNudge;
        anyNudge = new CompletableFuture<>();
        n.complete(null);
    }

    private void wake(String device) {
        CompletableFuture<Void> old = byDevice.remove(device); // the next current() takes a new one
        if (old != null) old.complete(null);
    }

    private void onEvent(FolderEvent e) {
        if (!(e instanceof FolderEvent.Changed)) {
            signal(); // reconnected, recreated, missing: nudges may have been missed
            ownFolderReset.run();
            pairingDrops.get().run(); // and pairing drops
        }
        synchronized (this) {
            if (reading) {
                readAgain = true;
                return;
            }
            reading = true;
        }
        executor.execute(this::readOwnFolder);
    }

    /** Reads what is new in the own folder until no change came in meanwhile: wakes the nudges' authors, deletes the nudges. */
    private void readOwnFolder() {
        while (true) {
            try {
                ServerFolder.Listing l = own.listServed(ownValidity, ownReadUpTo);
                if (l.uidValidity() != ownValidity) late.reset();
                long hole = late.lowestNewHole(l.first(), l.uids(), l.end()); // a message shown late (GreenMail) is listed again next time
                ownValidity = l.uidValidity();
                ownReadUpTo = Math.max(l.first() - 1, Math.min(l.end(), hole - 1));
                if (!l.nudges().isEmpty()) {
                    signal(l.nudges().stream().map(ServerFolder.Nudge::device).collect(Collectors.toSet()));
                    own.delete(l.nudges().stream().map(ServerFolder.Nudge::uid).toList(), l.uidValidity());
                }
                if (!l.pairingDrops().isEmpty()) pairingDrops.get().run();
            } catch (MailStoreException ex) {
                stats.readFailures.increment();
                LOG.debug("cannot read nudges: {}", ex.toString());
                signal(); // cannot tell whose: wake every query, which reads for itself
                pairingDrops.get().run(); // nor whether a pairing drop came: the MUAA looks for itself
            }
            synchronized (this) {
                if (!readAgain || closed) {
                    reading = false;
                    return;
                }
                readAgain = false;
            }
        }
    }

    /**
     * The device was retired from its account: the watch stops and does not start again, as starting
     * it creates the folder, which is the siblings' to delete. Its live queries were stopped by its MUAA
     * (a retired device reads nothing); its pairing drops are still found by the MUAA's polls.
     */
    void retire() {
        if (retired) return;
        retired = true; // no new start from here on
        // not on the caller's thread (an actor's): a start running now holds the lock through its I/O,
        // and a close may wait for the watch's thread
        executor.execute(this::stopRetired);
    }

    private synchronized void stopRetired() {
        Watch w = watch;
        watch = null;
        if (w != null) w.close();
    }

    @Override public synchronized void close() {
        closed = true;
        if (watch != null) watch.close();
        signal();
    }
}
