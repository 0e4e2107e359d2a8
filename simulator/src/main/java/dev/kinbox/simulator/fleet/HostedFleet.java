package dev.kinbox.simulator.fleet;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.kinbox.actors.muaa.Environment;
import dev.kinbox.actors.muaa.Leave;
import dev.kinbox.actors.muaa.Muaa;
import dev.kinbox.actors.muaa.MuaaKeyring;
import dev.kinbox.actors.muaa.StartOutcome;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.KinboxJournalRuntime;
import dev.kinbox.journal.mail.CountingMailStore;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.Retries;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaFormatException;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import dev.kinbox.persistence.store.LocalLog;
import dev.kinbox.simulator.workload.Change;
import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.workload.HostileAct;
import java.time.Clock;
import java.time.Duration;
import dev.kinbox.simulator.trace.JournalEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;

/**
 * Every device in one ActorSystem: each started device is hosted by the system's journal runtime
 * ({@link KinboxJournalRuntime#addDevice}) with its own in-memory local log (kept across crashes,
 * like a device's disk) and its own counted view of its account's mailbox (behind an
 * {@link OfflineSwitch}), and its {@link Muaa} is a child of one {@link Supervisor}, replicating from
 * every other slot of its account. Snapshots are on ({@link Options#snapshotEvery}), so each device's
 * folder is compacted and the mailbox stays bounded. A device costs its actors, streams and state,
 * not threads: the system's pools are shared.
 *
 * <p>A stopped device is removed from the runtime after its MUAA terminated; its view of the store is
 * cut off for good, so work the journal still had in flight for it (an upload retry) fails instead of
 * racing the device's next incarnation.
 */
public final class HostedFleet implements Fleet {
    private static final Duration UPLOAD_WAIT = Duration.ofSeconds(20);
    /** How long a leaving device may read its siblings' folders to their end before it goes. */
    private static final Duration CATCH_UP_WAIT = Duration.ofSeconds(15);
    /**
     * How long a leaver waits for a sibling to show it read the leave (real time; {@code Leave}): a running sibling
     * does within moments (the 103 leaves read back in a 100-account memory run took 1.2-2.4 s in all, catch-up and retirement
     * included). The wait runs after {@link #stop} returned, beside the account's later steps ({@link #readBack}); a leaver
     * whose siblings are all away runs this long before it stops.
     */
    private static final Duration READ_WAIT = Duration.ofSeconds(5);
    /** Beyond {@link #READ_WAIT}: the wait's last look on a slow server ({@code Leave#awaitRead} allows 30 s) and the stop after it. */
    private static final Duration LEAVE_STOP_MARGIN = Duration.ofSeconds(30).plus(DeviceSystems.ASK);

    /**
     * @param snapshotEvery  events between a MUAA's snapshots (and folder compactions)
     * @param sweepInterval  how often a live query looks at a sibling folder without a nudge
     * @param blockingThreads the journal's blocking pool (store and local log work of all devices)
     * @param expireAfter    simulated time after which a silent paired device is retired by its siblings
     *                       (the MUAA's {@code Timing.expireAfter}, on the devices' clock)
     * @param livenessCheck  real time between a device's liveness checks (each reads its account's
     *                       announcements and folder list; the MUAA's {@code Timing.livenessCheck})
     * @param dropPoll       real time between a device's looks for pairing drops in its folder (one search
     *                       each; a pairing takes a few of them on both sides: the MUAA's {@code Timing.dropPoll})
     */
    public record Options(int snapshotEvery, Duration sweepInterval, int blockingThreads, Duration expireAfter, Duration livenessCheck,
                          Duration dropPoll) {
        public Options {
            if (snapshotEvery < 1) throw new IllegalArgumentException("snapshotEvery must be positive");
            if (sweepInterval == null || sweepInterval.toMillis() < 50) throw new IllegalArgumentException("sweep interval must be >= 50 ms");
            if (blockingThreads < 1 || blockingThreads > 256) throw new IllegalArgumentException("blocking threads must be 1..256");
            if (expireAfter == null || expireAfter.toMinutes() < 1) throw new IllegalArgumentException("expireAfter must be >= 1 minute");
            if (livenessCheck == null || livenessCheck.toMillis() < 50) throw new IllegalArgumentException("liveness check must be >= 50 ms");
            if (dropPoll == null || dropPoll.toMillis() < 20) throw new IllegalArgumentException("drop poll must be >= 20 ms");
        }

        /** As above, with the protocol's default expiry (30 days), a liveness check every second and drops polled every 500 ms. */
        public Options(int snapshotEvery, Duration sweepInterval, int blockingThreads) {
            this(snapshotEvery, sweepInterval, blockingThreads, DEFAULT_EXPIRE_AFTER, Duration.ofSeconds(1), Duration.ofMillis(500));
        }

        /** A snapshot every 50 events, a sweep every 2 s, 8 blocking threads (the memory store: its operations do not block). */
        public static Options defaults() { return new Options(50, Duration.ofSeconds(2), 8); }

        /**
         * For {@code kind}'s store: on an IMAP server every operation waits for a round trip, and with
         * hundreds of devices 8 blocking threads were the bottleneck (starts took seconds), so a server
         * store gets 128 threads and a 5 s sweep (nudges still wake readers at once), and polls for
         * pairing drops every 200 ms (a join waits for several polls on both sides; measured in docs/SIMULATOR.md).
         */
        public static Options forStore(String kind) {
            return kind.equals("memory") ? defaults()
                    : new Options(50, Duration.ofSeconds(5), 128, DEFAULT_EXPIRE_AFTER, Duration.ofSeconds(1), Duration.ofMillis(200));
        }

        /**
         * These options for a fleet of {@code devices} devices on a clock running {@code timeScale} times
         * real time: every device's periodic work (a search for pairing drops, a liveness check that reads
         * and verifies the account's announcements, a STATUS sweep of each sibling folder) would otherwise
         * grow with the fleet - 100,000 devices polling drops every 500 ms ask 200,000 searches a second
         * of 2 cores. Each interval is stretched so that the whole fleet does at most about
         * {@link #FLEET_LOOKS_PER_SECOND} drop polls, as many liveness checks and
         * {@link #FLEET_SWEEPS_PER_SECOND} sweeps per second, never shorter than these options' own;
         * latency comes from nudges instead (sibling entries wake their readers; the fleet tells both
         * devices of a pairing {@link Muaa.CheckDrops} while they pair). The liveness check stays
         * within an eighth of the expiry (in real time at {@code timeScale}), so devices still refresh
         * and retire silent siblings in time.
         */
        public Options scaledTo(int devices, double timeScale) {
            if (devices < 1) throw new IllegalArgumentException("devices must be positive");
            if (!(timeScale > 0)) throw new IllegalArgumentException("time scale must be positive");
            Duration fleetWide = Duration.ofMillis(devices * 1000L / FLEET_LOOKS_PER_SECOND);
            Duration expiryBound = Duration.ofMillis((long) (expireAfter.toMillis() / timeScale / 8));
            Duration liveness = longer(livenessCheck, shorter(fleetWide, expiryBound));
            Duration sweep = longer(sweepInterval, Duration.ofMillis(devices * 3000L / FLEET_SWEEPS_PER_SECOND)); // about 3 siblings each (accounts of 4)
            return new Options(snapshotEvery, sweep, blockingThreads, expireAfter, liveness, longer(dropPoll, fleetWide));
        }

        private static Duration longer(Duration a, Duration b) { return a.compareTo(b) >= 0 ? a : b; }

        private static Duration shorter(Duration a, Duration b) { return a.compareTo(b) <= 0 ? a : b; }

        /** These options with devices expiring after {@code expireAfter} (simulated). */
        public Options withExpireAfter(Duration expireAfter) {
            return new Options(snapshotEvery, sweepInterval, blockingThreads, expireAfter, livenessCheck, dropPoll);
        }

        /**
         * The MUAA's timings: drops polled every {@code dropPoll} and a pairing within 30 s (both real time, Pekko
         * timers), expiry after {@code expireAfter} and announcements refreshed every quarter of it (at
         * most daily; both simulated, on the device's clock), the liveness check every {@code livenessCheck}.
         */
        public Environment.Timing timing() {
            Duration announce = expireAfter.dividedBy(4).compareTo(Duration.ofDays(1)) < 0 ? expireAfter.dividedBy(4) : Duration.ofDays(1);
            return new Environment.Timing(dropPoll, PAIRING_TIMEOUT, expireAfter, announce, livenessCheck);
        }
    }

    /** The fleet's journal and snapshot-store circuit breakers: how long a call may take (see the constructor). */
    static final Duration BREAKER_CALL_TIMEOUT = Duration.ofSeconds(60);
    /** The fleet's journal and snapshot-store circuit breakers: failures in a row before they open. */
    static final int BREAKER_MAX_FAILURES = 1000;

    /**
     * About how many drop polls and how many liveness checks a fleet does per second with {@link Options#scaledTo}.
     * 50 since 2026-12-02 (it was 200): on GreenMail 700 devices spent 4 of every 10 store operations on them
     * (a liveness check is two LISTs and a FETCH of every announcement; a drop poll a SEARCH).
     */
    public static final int FLEET_LOOKS_PER_SECOND = 50;
    /** About how many sibling folder sweeps (a STATUS each, no crypto) a fleet does per second with {@link Options#scaledTo}. */
    public static final int FLEET_SWEEPS_PER_SECOND = 1000;
    /** The protocol's default expiry: a paired device silent for 30 days is retired. */
    public static final Duration DEFAULT_EXPIRE_AFTER = Duration.ofDays(30);
    private static final Duration PAIRING_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration START_WAIT = Duration.ofSeconds(60);
    /**
     * How often the two devices of a pairing look for drops while their pairing screens are open: the watch on each
     * device's folder takes a drop as it comes, so this is for a watch that is reconnecting. At 100 ms, 32 pairings at a
     * time asked 640 SEARCHes a second, and a 200-account GreenMail setup took 35-37 s instead of 30-32.
     */
    private static final Duration PAIRING_SCREEN_POLL = Duration.ofMillis(500);

    private record Running(ActorRef<Muaa.Command> muaa, OfflineSwitch link, CountingMailStore counted, Set<CompletableFuture<?>> asks) {}

    private final Roster roster;
    private final AccountStores stores;
    private final Clock clock;
    private final Options options;
    private final ActorSystem<Supervisor.Command> system;
    private final KinboxJournalRuntime runtime;
    /** Where a leaver stops after its wait (a stop blocks on its MUAA's answer). */
    private final java.util.concurrent.Executor blocking;
    private final Crypto crypto = Crypto.standard();
    /** Every device's keyring parses into this one: an account's devices all hold the same certificates. */
    private final dev.kinbox.actors.muaa.ParsedCertificates certificates = dev.kinbox.actors.muaa.ParsedCertificates.using(crypto);
    /** Per account: its devices read one announcement folder, so each announcement is verified once. */
    private final Map<Integer, dev.kinbox.actors.muaa.VerifiedAnnouncements> verifiedAnnouncements = new java.util.concurrent.ConcurrentHashMap<>();
    private final FleetPairing pairing = new FleetPairing();
    private final Map<DeviceRef, LocalLog> logs = new ConcurrentHashMap<>();
    private final Map<DeviceRef, MuaaKeyring> keyrings = new ConcurrentHashMap<>();
    private final Map<DeviceRef, Running> running = new ConcurrentHashMap<>();
    /** Leavers that retired themselves: done once each stopped after its wait for a sibling to read its leave ({@link #readBack}). */
    private final Map<DeviceRef, CompletableFuture<Boolean>> leaving = new ConcurrentHashMap<>();
    private final Map<DeviceRef, Boolean> offline = new ConcurrentHashMap<>();
    /** Devices that are paired in their account (bootstrapped it, paired, or restarted as such): who a joiner may pair with. */
    private final Set<DeviceRef> paired = ConcurrentHashMap.newKeySet();
    /** Newcomers that found no announcement of a sibling, bootstrapped an account root of their own and were paired into the account. */
    private final LongAdder secondRoots = new LongAdder();
    /** Devices a sibling removed ({@link #remove}): they never pair again. */
    private final Set<DeviceRef> removed = ConcurrentHashMap.newKeySet();
    private final Map<Integer, Object> accountLocks = new ConcurrentHashMap<>();
    private final LongAdder closedOps = new LongAdder();
    private final HostileLedger ledger;
    private final RestoreLosses restoreLosses;
    private final FleetFaults faults;

    /** Devices of {@code roster} on {@code stores}, their clocks {@code clock}; closes {@code stores} when closed. */
    public HostedFleet(Roster roster, AccountStores stores, Clock clock, Options options) {
        this(roster, stores, clock, options, FleetFaults.none());
    }

    /** As above, with network faults, clock skews and incoming mail ({@link FleetFaults}). */
    public HostedFleet(Roster roster, AccountStores stores, Clock clock, Options options, FleetFaults faults) {
        this.faults = faults;
        this.roster = roster;
        this.stores = stores;
        this.clock = clock;
        this.options = options;
        this.ledger = new HostileLedger(roster, stores, clock);
        this.restoreLosses = new RestoreLosses(roster, stores);
        Config c = ConfigFactory.parseString(String.join("\n", "pekko.loglevel = WARNING", "pekko.stdout-loglevel = WARNING",
                "kinbox.runtime.upload.backoff-max = 1s",
                // Pekko gives each persistence plugin one circuit breaker: here every device of the fleet shares it, where
                // a real device has its own. A full collection of a large fleet's heap stops every device at once (17 s at
                // 100,000 devices, 19 GB heap), and the default breaker (10 s, open after 10 failures) then failed every
                // device's persists for 30 s. The fleet's breakers wait out such a pause and open only on many failures.
                "kinbox.journal.circuit-breaker.call-timeout = " + BREAKER_CALL_TIMEOUT.toSeconds() + "s",
                "kinbox.journal.circuit-breaker.max-failures = " + BREAKER_MAX_FAILURES,
                "kinbox.snapshot-store.circuit-breaker.call-timeout = " + BREAKER_CALL_TIMEOUT.toSeconds() + "s",
                "kinbox.snapshot-store.circuit-breaker.max-failures = " + BREAKER_MAX_FAILURES,
                // the fleet sweeps at its own interval whether or not a device's nudge watch runs (Options.scaledTo
                // stretches it with the fleet; the embedding default sweeps less often while watching)
                "kinbox.query.sweep-interval = " + options.sweepInterval().toMillis() + "ms",
                "kinbox.query.watched-sweep-interval = " + options.sweepInterval().toMillis() + "ms",
                "kinbox.blocking-dispatcher.thread-pool-executor.fixed-pool-size = " + options.blockingThreads()))
                .withFallback(ConfigFactory.load());
        this.system = ActorSystem.create(Supervisor.create(), "sim-hosted", c);
        this.runtime = KinboxJournalRuntime.get(system.classicSystem());
        this.blocking = system.dispatchers().lookup(org.apache.pekko.actor.typed.DispatcherSelector.fromConfig("kinbox.blocking-dispatcher"));
    }

    public Options options() { return options; }

    /** The configuration the fleet's actor system runs with (for tests). */
    Config systemConfig() { return system.settings().config(); }

    @Override public Roster roster() { return roster; }

    /**
     * Starts {@code d} on the full MUAA life cycle: the first device of an account bootstraps it; a
     * later newcomer announces itself and pairs by short code with a running, online, paired sibling;
     * a device that ran before starts from its local log ({@code Running}). A device that finds itself
     * retired is stopped again and reported as {@link RetiredDevice}; a newcomer whose every partner refused
     * it, retired, as {@link NoPartner}. First starts of one account are
     * serialized (two newcomers must not both bootstrap it).
     */
    @Override public void start(DeviceRef d) throws FleetException {
        if (running.containsKey(d)) throw new FleetException(d + " is already running", null);
        boolean fresh = !logs.containsKey(d);
        if (!fresh) {
            launch(d);
            return;
        }
        synchronized (accountLocks.computeIfAbsent(d.account(), k -> new Object())) {
            launch(d);
        }
    }

    private void launch(DeviceRef d) throws FleetException {
        String id = roster.device(d).deviceId();
        MailStore store;
        try {
            store = Retries.afterLostConnections(attempt -> stores.connect(d.account())); // a server restarting refuses connections a moment
        } catch (RuntimeException e) {
            throw new FleetException("cannot start " + d + ": cannot reach its mailbox: " + DeviceSystems.reason(e), e);
        }
        CountingMailStore counted = new CountingMailStore(store, true);
        OfflineSwitch link = new OfflineSwitch(faults.wrap(d, counted));
        link.offline(offline.getOrDefault(d, false));
        MuaaKeyring keyring = keyrings.computeIfAbsent(d, k -> MuaaKeyring.of(roster.device(k).key(), certificates));
        boolean added = false;
        StartOutcome outcome;
        try {
            runtime.addDevice(keyring, link, logs.computeIfAbsent(d, k -> new InMemoryLocalLog()));
            added = true;
            Muaa.Settings settings = new Muaa.Settings(roster.accountId(d), id, options.snapshotEvery());
            Environment env = new Environment(keyring, crypto, pairing, options.timing(),
                    verifiedAnnouncements.computeIfAbsent(d.account(), a -> dev.kinbox.actors.muaa.VerifiedAnnouncements.forOneAccount()));
            ActorRef<Muaa.Command> m = AskPattern.<Supervisor.Command, ActorRef<Muaa.Command>>ask(system,
                    to -> new Supervisor.Spawn(Supervisor.restarting(Muaa.create(settings, faults.clock(d, clock), env)), "muaa-" + id, to),
                    DeviceSystems.ASK, system.scheduler()).toCompletableFuture().get(DeviceSystems.ASK.toSeconds(), TimeUnit.SECONDS);
            running.put(d, new Running(m, link, counted, ConcurrentHashMap.newKeySet()));
            restoreLosses.authorStarted(d); // from now on it repairs what a restore lost of its folder itself
            outcome = DeviceSystems.requireSuccess(AskPattern.<Muaa.Command, StatusReply<StartOutcome>>ask(m,
                    to -> new Muaa.Start(d.toString(), Optional.empty(), to), START_WAIT, system.scheduler())
                    .toCompletableFuture().get(START_WAIT.toSeconds(), TimeUnit.SECONDS));
            if (outcome instanceof StartOutcome.AwaitingPairing && removed.contains(d)) {
                // a removed device whose folder and announcement were purged before it saw the notice: it must pair again as a new device
                outcome = new StartOutcome.Retired(id, "it was removed; started again it asks to pair anew");
            } else if (outcome instanceof StartOutcome.AwaitingPairing) {
                pairWithSibling(d, m);
            } else if (outcome instanceof StartOutcome.Bootstrapped && hasPairingPartner(d)) {
                // it found no valid announcement of a sibling (the provider deleted or altered them) and made an
                // account of its own; its user, who knows the account has devices, pairs it with one: the two
                // states merge, both account keys stay (docs/PROTOCOL.md, "Announcements and bootstrap")
                pairWithSibling(d, m);
                secondRoots.increment();
            }
        } catch (NoPartner e) {
            abort(d, added, link);
            throw e;
        } catch (Exception e) {
            abort(d, added, link);
            throw new FleetException("cannot start " + d + ": " + DeviceSystems.reason(e), e);
        }
        if (outcome instanceof StartOutcome.Retired r) {
            abort(d, true, link);
            paired.remove(d);
            throw new RetiredDevice(d + " found itself retired at its start: " + r.reason());
        }
        paired.add(d);
    }

    /** Undoes a start that did not finish: the half-started MUAA stops, the device leaves the runtime, its view of the store is cut off. */
    private void abort(DeviceRef d, boolean added, OfflineSwitch link) {
        Running half = running.remove(d);
        try {
            if (half != null) terminate(half);
        } catch (Exception ignored) {
            // the caller reports the start's failure
        }
        if (added) runtime.removeDevice(roster.device(d).deviceId());
        link.offline(true);
        link.close();
        if (half != null) closedOps.add(half.counted().operations());
    }

    /**
     * Pairs newcomer {@code d} by short code with the first running, online, paired device of its account;
     * when that device turns out to have been retired (it was away, its siblings expired it, and it learnt so
     * when asked to pair: docs/PROTOCOL.md, "Back from an absence"), with the next one, as a user would.
     */
    private void pairWithSibling(DeviceRef d, ActorRef<Muaa.Command> fresh) throws Exception {
        List<String> refused = new ArrayList<>();
        for (int slot = 0; slot < roster.accounts().get(d.account()).devices().size(); slot++) {
            DeviceRef o = new DeviceRef(d.account(), slot); // the account's slots in order: not the whole fleet's running devices
            if (!canPairWith(d, o)) continue;
            try {
                pairWith(d, o, fresh);
                return;
            } catch (Exception e) {
                Optional<String> retired = retirement(o).toCompletableFuture().get(DeviceSystems.ASK.toSeconds(), TimeUnit.SECONDS);
                if (retired.isEmpty()) throw e;
                // its user is told so, and asks the next device
                refused.add(o + " (" + DeviceSystems.reason(e) + "; it was retired: " + retired.get() + ")");
            }
        }
        if (!refused.isEmpty()) throw new NoPartner(d + " found no device of its account to pair with: " + String.join("; ", refused));
        throw new IllegalStateException("no running, online, paired device of its account to pair with");
    }

    /** Whether {@code d} has a running, online, paired sibling. */
    private boolean hasPairingPartner(DeviceRef d) {
        return java.util.stream.IntStream.range(0, roster.accounts().get(d.account()).devices().size())
                .anyMatch(slot -> canPairWith(d, new DeviceRef(d.account(), slot)));
    }

    private boolean canPairWith(DeviceRef d, DeviceRef o) {
        return running.containsKey(o) && !o.equals(d) && paired.contains(o) && !offline.getOrDefault(o, false);
    }

    private void pairWith(DeviceRef d, DeviceRef with, ActorRef<Muaa.Command> fresh) throws Exception {
        String freshId = roster.device(d).deviceId();
        // both screens are open: the devices look for drops now and then (an idle device may poll only every few minutes)
        Running w = running.get(with);
        if (w == null) throw new IllegalStateException(with + " stopped before the pairing began");
        ActorRef<Muaa.Command> existing = w.muaa();
        org.apache.pekko.actor.Cancellable screens = system.scheduler().scheduleAtFixedRate(Duration.ZERO, PAIRING_SCREEN_POLL, () -> {
            fresh.tell(Muaa.CheckDrops.INSTANCE);
            existing.tell(Muaa.CheckDrops.INSTANCE);
        }, system.executionContext());
        try {
            pairAndConfirm(d, with, fresh, freshId);
        } finally {
            screens.cancel();
        }
    }

    private void pairAndConfirm(DeviceRef d, DeviceRef with, ActorRef<Muaa.Command> fresh, String freshId) throws Exception {
        pairing.pair(system, fresh, freshId, roster.device(with).deviceId(), PAIRING_TIMEOUT);
        // The new side reports the pairing only after the existing side persisted it and answered done, and
        // records it itself before reporting (docs/PROTOCOL.md, "Pairing drops"): both list it now, so stopping
        // either device from here on cannot leave the account half paired. Checked, not awaited.
        for (DeviceRef side : List.of(with, d)) {
            if (!pairedIn(side, freshId)) throw new IllegalStateException(side + " does not list " + freshId + " as paired after pairing");
        }
    }

    private boolean pairedIn(DeviceRef d, String deviceId) throws Exception {
        var rec = state(d).toCompletableFuture().get(DeviceSystems.ASK.toSeconds(), TimeUnit.SECONDS).devices().get(deviceId);
        return rec != null && rec.status() == dev.kinbox.persistence.crdt.DeviceStatus.PAIRED;
    }

    @Override public Stopped stop(DeviceRef d, Stop how) throws FleetException {
        Running r = running.remove(d);
        if (r == null) throw new FleetException(d + " is not running", null);
        Stopped out = Stopped.CRASHED;
        try {
            Leave.Outcome left = null;
            if (how == Stop.LEAVE) {
                // what only this device could still pass on (a relay to a device paired since) is read, then it retires
                // itself; its wait for a sibling to read that runs after this stop returns (readBack)
                left = Leave.run(r.muaa(), roster.device(d).deviceId(), CATCH_UP_WAIT, Duration.ZERO, system.scheduler()).toCompletableFuture()
                        .get(Leave.longest(CATCH_UP_WAIT, Duration.ZERO).toSeconds() + 1, TimeUnit.SECONDS);
            }
            if (how != Stop.CRASH) {
                boolean uploaded = runtime.awaitUploaded(SmaFolders.devicePersistenceId(roster.accountId(d), roster.device(d).deviceId()), UPLOAD_WAIT);
                out = left == null ? new Stopped(uploaded, false)
                        : new Stopped(uploaded && left.confirmed(), left.retirement() == Leave.Retirement.RETIRED);
            }
        } catch (Exception e) {
            stopNow(d, r);
            throw new FleetException("cannot stop " + d + ": " + DeviceSystems.reason(e), e);
        }
        if (out.retired()) {
            leaving.put(d, awaitReadThenStop(d, r));
        } else {
            stopNow(d, r);
        }
        return out;
    }

    @Override public CompletionStage<Boolean> readBack(DeviceRef d) {
        return leaving.getOrDefault(d, CompletableFuture.completedFuture(false));
    }

    /** A retired leaver waits for a sibling to read its leave ({@link Leave#awaitRead}), then stops; never completes exceptionally. */
    private CompletableFuture<Boolean> awaitReadThenStop(DeviceRef d, Running r) {
        return Leave.awaitRead(r.muaa(), READ_WAIT, system.scheduler()).toCompletableFuture().thenApplyAsync(back -> {
            stopNow(d, r);
            return back;
        }, blocking);
    }

    /**
     * {@code r}'s MUAA stops, and what it leaves behind is let go: its open asks fail, it leaves the runtime, and its view
     * of the store is cut off (this incarnation's leftover journal work fails from now on). A MUAA that does not
     * answer its stop in time is said so on stderr.
     */
    private void stopNow(DeviceRef d, Running r) {
        try {
            terminate(r);
        } catch (Exception e) {
            System.err.println("simulator: " + d + "'s MUAA did not stop in time: " + DeviceSystems.reason(e));
        } finally {
            for (CompletableFuture<?> f : r.asks()) f.completeExceptionally(new IllegalStateException(d + " stopped before answering"));
            runtime.removeDevice(roster.device(d).deviceId());
            r.link().offline(true);
            closedOps.add(r.counted().operations());
            r.link().close();
        }
    }

    private void terminate(Running r) throws Exception {
        AskPattern.<Supervisor.Command, Done>ask(system, to -> new Supervisor.Stop(r.muaa(), to), DeviceSystems.ASK, system.scheduler())
                .toCompletableFuture().get(DeviceSystems.ASK.toSeconds(), TimeUnit.SECONDS);
    }

    @Override public void remove(DeviceRef by, DeviceRef target) throws FleetException {
        Running r = running.get(by);
        if (r == null) throw new FleetException("cannot remove " + target + ": " + by + " is not running", null);
        String targetId = roster.device(target).deviceId();
        try {
            tracked(r, AskPattern.<Muaa.Command, StatusReply<String>>ask(r.muaa(), to -> new Muaa.RemoveDevice(targetId, to), DeviceSystems.ASK,
                    system.scheduler()), DeviceSystems::requireSuccess).get(DeviceSystems.ASK.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new FleetException("cannot remove " + target + " by " + by + ": " + DeviceSystems.reason(e), e);
        }
        paired.remove(target);
        removed.add(target);
        if (running.containsKey(target)) stop(target, Stop.CRASH);
    }

    @Override public Expiry expiry() {
        var t = options.timing();
        return new Expiry(t.expireAfter(), t.announceEvery(), t.livenessCheck());
    }

    @Override public RetiredReadable readableByRetired(DeviceRef writer, DeviceRef retired) throws FleetException {
        return RetiredReadable.audit(roster, writer, retired, journal(writer), stores, crypto);
    }

    @Override public void online(DeviceRef d, boolean on) {
        offline.put(d, !on);
        Running r = running.get(d);
        if (r != null) r.link().offline(!on);
    }

    @Override public CompletionStage<Dot> edit(DeviceRef d, Change change) {
        Running r = running.get(d);
        if (r == null) return CompletableFuture.failedFuture(new IllegalStateException(d + " is not running"));
        if (change instanceof Change.IncomingMail || change instanceof Change.GossipMail) {
            return tracked(r, AskPattern.<Muaa.Command, StatusReply<List<AccountEvent>>>ask(r.muaa(),
                    to -> faults.incoming(change, roster.accountId(d), faults.clock(d, clock), to), DeviceSystems.ASK, system.scheduler()),
                    reply -> lastDot(d, DeviceSystems.requireSuccess(reply)));
        }
        return tracked(r, AskPattern.<Muaa.Command, StatusReply<AccountEvent>>ask(r.muaa(), to -> Commands.of(change, to), DeviceSystems.ASK,
                system.scheduler()), reply -> DeviceSystems.requireSuccess(reply).dot());
    }

    private static Dot lastDot(DeviceRef d, List<AccountEvent> events) {
        if (events.isEmpty()) throw new IllegalStateException("the mail told " + d + " nothing new");
        return events.get(events.size() - 1).dot();
    }

    @Override public void drop(DeviceRef d) throws FleetException { faults.drop(d); }

    @Override public GossipCounts gossipMail() { return faults.gossipCounts(); }

    @Override public long secondRoots() { return secondRoots.sum(); }

    @Override public void restartServer(int account) throws FleetException { faults.restart(account, stores); }

    @Override public boolean rebuildFolder(DeviceRef d) throws FleetException {
        String folder;
        try {
            folder = SmaFolders.deviceFolder(roster.device(d).deviceId());
        } catch (SmaFormatException e) {
            throw new FleetException("bad roster id for " + d, e);
        }
        // what a lossy restore takes from a device that is not running, only that device can upload again: noted apart
        if (!running.containsKey(d)) restoreLosses.beforeRestore(d, faults.faults().rebuildNewestLost());
        return faults.rebuild(d.account(), folder, stores);
    }

    @Override public CompletionStage<AccountState> state(DeviceRef d) {
        Running r = running.get(d);
        if (r == null) return CompletableFuture.failedFuture(new IllegalStateException(d + " is not running"));
        return tracked(r, AskPattern.<Muaa.Command, StatusReply<AccountState>>ask(r.muaa(), Muaa.GetState::new, DeviceSystems.ASK,
                system.scheduler()), DeviceSystems::requireSuccess);
    }

    @Override public CompletionStage<java.util.Optional<String>> retirement(DeviceRef d) {
        Running r = running.get(d);
        if (r == null) return CompletableFuture.failedFuture(new IllegalStateException(d + " is not running"));
        return tracked(r, AskPattern.<Muaa.Command, StatusReply<java.util.Optional<String>>>ask(r.muaa(), Muaa.GetRetirement::new,
                DeviceSystems.ASK, system.scheduler()), DeviceSystems::requireSuccess);
    }

    @Override public CompletionStage<Void> checkLiveness(DeviceRef d) {
        Running r = running.get(d);
        if (r == null) return CompletableFuture.failedFuture(new IllegalStateException(d + " is not running"));
        return tracked(r, AskPattern.<Muaa.Command, StatusReply<org.apache.pekko.Done>>ask(r.muaa(), Muaa.CheckLiveness::new,
                DeviceSystems.ASK, system.scheduler()), reply -> {
                    DeviceSystems.requireSuccess(reply);
                    return null;
                });
    }

    /**
     * {@code ask}'s reply through {@code answer} as a future that also fails when {@code r} stops;
     * the reply and the caller's callbacks run on the fleet's dispatcher ({@link DeviceSystems#onDispatcher}).
     */
    private <A, T> CompletableFuture<T> tracked(Running r, CompletionStage<A> ask, java.util.function.Function<A, T> answer) {
        CompletableFuture<T> f = new CompletableFuture<>();
        r.asks().add(f);
        DeviceSystems.onDispatcher(system, ask).thenApply(answer).whenComplete((v, e) -> {
            if (e == null) f.complete(v);
            else f.completeExceptionally(e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e);
            r.asks().remove(f);
        });
        return f;
    }

    @Override public List<JournalEntry> journal(DeviceRef d) {
        LocalLog log = logs.get(d);
        if (log == null) return List.of();
        String pid;
        try {
            pid = SmaFolders.devicePersistenceId(roster.accountId(d), roster.device(d).deviceId());
        } catch (dev.kinbox.journal.sma.SmaFormatException e) {
            throw new IllegalStateException(e.getMessage(), e); // the roster's ids were accepted when the device started
        }
        List<JournalEntry> out = new ArrayList<>();
        runtime.replayLocal(log, pid, r -> {
            if (r.payload() instanceof AccountEvent e) out.add(new JournalEntry.Applied(r.sequenceNr(), e));
            else if (r.payload() instanceof AccountState s) out.add(new JournalEntry.Merged(r.sequenceNr(), s));
            else throw new IllegalStateException(d + " journal holds a " + r.payload().getClass().getName() + " at " + r.sequenceNr());
        });
        return out;
    }

    @Override public Set<DeviceRef> running() { return new TreeSet<>(running.keySet()); }

    @Override public int runningCount() { return running.size(); }

    @Override public boolean isRunning(DeviceRef d) { return running.containsKey(d); }

    @Override public long storeOperations() {
        return closedOps.sum() + running.values().stream().mapToLong(r -> r.counted().operations()).sum();
    }

    @Override public StoreMessages storeMessages(int account) { return stores.messages(account); }

    @Override public boolean hostile(DeviceRef victim, HostileAct act) throws FleetException { return ledger.act(victim, act); }

    @Override public Set<Dot> withheldUnhealed() { return ledger.unhealed(logs::get); }

    @Override public Set<Dot> restoredAway() { return restoreLosses.unhealed(); }

    @Override public JournalRefusals refusals() { return JournalRefusals.of(runtime.stats()); }

    @Override public int snapshotEvery() { return options.snapshotEvery(); }

    @Override public void close() {
        try {
            for (CompletableFuture<Boolean> waiting : leaving.values()) { // each wait is bounded (Leave#awaitRead), its stop too
                try {
                    waiting.get(READ_WAIT.plus(LEAVE_STOP_MARGIN).toSeconds(), TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                    System.err.println("simulator: a leaver's wait for a sibling to read its leave did not end as the fleet closed: "
                            + DeviceSystems.reason(e));
                }
            }
            for (DeviceRef d : running()) {
                try {
                    stop(d, Stop.CRASH);
                } catch (FleetException e) {
                    System.err.println("simulator: " + e.getMessage());
                }
            }
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("simulator: the fleet's system did not terminate: " + e.getMessage());
        } finally {
            stores.close();
        }
    }
}
