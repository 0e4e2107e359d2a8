package dev.kinbox.simulator.run;

import dev.kinbox.persistence.AccountState;
import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.fleet.DeviceSystems;
import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.workload.Schedule;
import dev.kinbox.simulator.workload.Step;
import dev.kinbox.simulator.trace.TraceFile;
import dev.kinbox.simulator.trace.TraceRecorder;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Carries out a {@link Schedule} on a {@link Fleet}: first the devices that exist at time zero (the
 * setup, where the cost per device is measured), then every other step at its simulated time
 * divided by the time scale (as fast as possible when behind), each account's steps in order in its
 * own {@link Lanes lane} (a slow join or leave holds back only its account). Edits are asked asynchronously; a
 * {@link Sampler} measures convergence lag meanwhile. After the last step it waits (up to
 * {@code settle}) for the invariants to hold, then checks them once more on fresh states. Some invariants
 * are also checked during the run ({@link LiveChecks}): each new violation is announced on the progress
 * at once, and with {@link RunOptions#stopOnViolation()} the run stops stepping at the first one (the
 * spells already open are closed: crashed devices restart, offline ones come back), then settles and
 * checks as usual.
 *
 * <p>Bounded: every fleet operation has its own timeout; if the steps run later than twice the
 * scheduled period plus a minute, the remaining joins, leaves, crashes, offline spells and edits are
 * skipped (counted as step errors) while restarts and reconnections still happen.
 */
public final class Runner {
    private static final int MAX_NOTES = 10;
    private static final long EDIT_DRAIN_SECONDS = 40;
    private static final int SETUP_PARALLELISM = 32;
    private static final int LANE_THREADS = 16;
    private static final long STEP_DRAIN_SECONDS = 120;
    /** The longest the steps' end waits for the leavers' waits: each is bounded by its fleet (a wait's last look, then a stop). */
    private static final long LEAVE_WAIT_SECONDS = 90;
    /** How often the pacer looks at the steps' lag (real milliseconds). */
    private static final long PACING_LOOK_MILLIS = 10;
    /** The longest wait for the pacer to stop: a pace it is telling a cluster's nodes (at most 11 s). */
    private static final long PACING_JOIN_SECONDS = 15;
    /**
     * The least time every check of the settle must find the invariants holding before it ends: once every device's
     * last liveness check was acted on ({@link #lastChecks}), time for what they wrote to reach their siblings.
     */
    private static final long SETTLED_FOR_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * How long the settle's checks must all be clean before it ends when some device's last liveness check was not
     * acted on ({@link #lastChecks}): a second, and at least one and a half liveness checks of the fleet's devices. A
     * device's periodic work - an activity refresh that fell due before the clock stopped, a retirement - happens at
     * its liveness check; in a large fleet those are seconds apart (7.3 s at 366 devices), and a 100-account run's
     * final check found a device that had refreshed after a settle of one clean second, its siblings not yet holding
     * it. Also the longest wait for the last checks themselves.
     */
    static long settledForNanos(Fleet.Expiry expiry) {
        return Math.max(SETTLED_FOR_NANOS, expiry.checkEvery().multipliedBy(3).dividedBy(2).toNanos());
    }

    /** The invariants checked during the run as well as at the end ({@link LiveChecks}). */
    public static final List<String> CHECKED_DURING_RUN = LiveChecks.CHECKED_DURING_RUN;

    private final Fleet fleet;
    private final RunOptions options;
    private final Progress progress;
    private final Set<DeviceRef> offline = ConcurrentHashMap.newKeySet();
    private final List<AckedEdit> acked = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong unacked = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    private final List<String> notes = Collections.synchronizedList(new ArrayList<>());
    private final Set<DeviceRef> started = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> hostileActs = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger folderRebuilds = new java.util.concurrent.atomic.AtomicInteger();
    private final Silences silences = new Silences();
    /**
     * Devices not started as an outcome ({@link Fleet.NotStarted}), with why: they found themselves retired when they
     * started (expired or removed while away), or found no device to pair with. They do not run, so a later step that
     * would stop one, or remove a device through it, has nothing to act on; nor has a removal of one that never paired,
     * nor its going offline or online.
     */
    private final Map<DeviceRef, Fleet.NotStarted> notStarted = new ConcurrentHashMap<>();
    /** Devices down after a crash, until they restart (what a stopped run still restarts). */
    private final Set<DeviceRef> crashed = ConcurrentHashMap.newKeySet();
    private LiveChecks live;
    /** Set once the run stopped stepping: at a violation ({@link RunOptions#stopOnViolation()}), or as the fleet broke. */
    private volatile boolean stopping;
    private volatile double stoppedAt = -1;
    /** Why the fleet broke ({@link Fleet#broken}), once it did: the run stops stepping and does not settle. */
    private volatile String broken;
    private final AtomicInteger notRun = new AtomicInteger();
    private volatile int stepErrors;
    private volatile int devicesPeak;
    private Sampler sampler;
    /** Digests and forgery marks of the states the checks and the sampler look at, remembered per unchanged state. */
    private final StateFacts facts = new StateFacts();
    /** Ids of devices whose orderly leave was cut off or not confirmed in time (see {@link Invariants.Observed#unconfirmedLeavers}). */
    private final Set<String> unconfirmedLeavers = ConcurrentHashMap.newKeySet();
    /** Ids of devices that left (retiring themselves) or were abandoned, all of it confirmed (see {@link Invariants.Observed#leftInOrder}). */
    private final Set<String> leftInOrder = ConcurrentHashMap.newKeySet();
    /** Twice the schedule's largest clock skew: how far two devices' clocks may disagree about a silence. */
    private long skewSlackMillis;
    private final Path traceFile;
    private final TraceRecorder trace; // null: no trace
    private volatile long paceStart;
    private final Lanes lanes = new Lanes(LANE_THREADS);
    /** Per leave that retired its device in order: done once the leaver stopped after its wait for a sibling to read it ({@link Fleet#readBack}). */
    private final List<CompletableFuture<Void>> leaves = Collections.synchronizedList(new ArrayList<>());
    /** Per device the answer to its latest edit (edits of one device are answered in order). */
    private final Map<DeviceRef, CompletableFuture<?>> lastEdit = new ConcurrentHashMap<>();
    /** The devices' clock, started with the first step and stopped after the last when set ({@link #drivingClock}). */
    private VirtualClock clock;
    /** Simulated milliseconds where the run's time stopped, or -1. */
    private volatile long frozenSim = -1;
    /** The steps handed to a lane and not yet done, by index: when each was due (simulated milliseconds). */
    private final java.util.concurrent.ConcurrentSkipListMap<Integer, Long> pending = new java.util.concurrent.ConcurrentSkipListMap<>();
    /** Slows the devices' clock while the steps run behind it; set with the first paced step. */
    private volatile Pacer pacer;
    /** Whether the pacer's thread goes on looking: until the steps drained. */
    private volatile boolean pacingOn = true;

    public Runner(Fleet fleet, RunOptions options, Progress progress) {
        this(fleet, options, progress, null);
    }

    /** As above, and records the run's {@link dev.kinbox.simulator.trace.Trace} to {@code traceFile} (none when null). */
    public Runner(Fleet fleet, RunOptions options, Progress progress, Path traceFile) {
        this.fleet = fleet;
        this.options = options;
        this.progress = progress;
        this.traceFile = traceFile;
        this.trace = traceFile == null ? null : new TraceRecorder();
    }

    /**
     * Drives {@code clock} (the devices' clock): a {@link VirtualClock#held held} one starts with the
     * first paced step, so every setup join happens at simulated time zero (on a slow machine the
     * setup takes minutes, which at 3600x aged the first devices by days: activity refreshes, each an
     * event every sibling opens, and the runner's simulated time disagreed with theirs by the setup's
     * length); and it stops after the last step, so the settle waits for a quiescent fleet: with many
     * devices, activity refreshes due every simulated day never pause long enough for every account's
     * digests to agree at once. The fleet hears of both ({@link Fleet#clockStarted}, {@link Fleet#clockFrozen}): a cluster's
     * nodes, whose devices run clocks of their own, start and freeze theirs with this one.
     */
    public Runner drivingClock(VirtualClock clock) {
        this.clock = clock;
        return this;
    }

    public RunResult run(Schedule schedule, String storeKind) throws InterruptedException {
        long t0 = System.nanoTime();
        List<Step> steps = schedule.steps();
        skewSlackMillis = 2 * schedule.options().faults().maxSkewMillis();
        live = new LiveChecks(fleet.roster(), storeBound(), () -> sinceStart() / 1e3, this::mayRetireNow, progress::violation);
        int setup = 0;
        while (setup < steps.size() && steps.get(setup).at() == 0 && steps.get(setup) instanceof Step.Join) setup++;

        progress.phase("start", setup);
        long heapBefore = usedHeapAfterGc();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        long startNanos = System.nanoTime();
        startConcurrently(steps, setup);
        double startMs = setup == 0 ? 0 : (System.nanoTime() - startNanos) / 1e6 / setup;
        long heapPer = setup == 0 ? -1 : (usedHeapAfterGc() - heapBefore) / setup;
        if (heapPer <= 0) heapPer = -1; // lost in the noise of collected garbage at this size
        double threadsPer = setup == 0 ? 0 : (ManagementFactory.getThreadMXBean().getThreadCount() - threadsBefore) / (double) setup;

        if (clock != null) {
            clock.start();
            clockTold(fleet::clockStarted); // a cluster's nodes start theirs now
        }
        paceStart = System.nanoTime();
        live.phase("steps");
        sampler = new Sampler(fleet, offline, options.sampleEvery().toMillis(), paceStart, live, facts);
        sampler.start();
        long periodNanos = (long) (schedule.options().period().toMillis() / options.timeScale() * 1e6);
        long overrun = paceStart + 2 * periodNanos + TimeUnit.MINUTES.toNanos(1);
        progress.phase("steps", steps.size() - setup);
        Thread pacing = startPacing();
        for (int i = setup; i < steps.size(); i++) {
            Step s = steps.get(i);
            for (long ahead; !stopsNow() && (ahead = s.at() - simNow()) > 0; ) TimeUnit.NANOSECONDS.sleep(realNanosFor(ahead));
            if (stopping) {
                int index = i;
                lanes.submit(s.device().account(), () -> closeSpell(index, s));
            } else if (System.nanoTime() > overrun && !(s instanceof Step.Restart || s instanceof Step.Online)) {
                error(s.device(), "skipped (run over its time bound): " + s);
                traced(i, sinceStart(), "skipped: the run was over its time bound");
            } else {
                int index = i;
                pending.put(index, s.at());
                // a step still queued in its lane when the run stops is left out as those after it
                lanes.submit(s.device().account(), () -> {
                    try {
                        if (stopsNow()) closeSpell(index, s);
                        else execute(index, s);
                    } finally {
                        pending.remove(index);
                    }
                });
            }
            progress.update(i + 1 - setup, counters());
        }
        boolean drained = lanes.drain(TimeUnit.SECONDS.toMillis(STEP_DRAIN_SECONDS));
        if (!drained) error(null, "steps still running " + STEP_DRAIN_SECONDS + " s after the last was due");
        lanes.close();
        awaitLeaves();
        pacingOn = false; // not an interrupt: it may be telling a cluster's nodes a pace, and an interrupted ask is a step error
        pacing.join(TimeUnit.SECONDS.toMillis(PACING_JOIN_SECONDS));
        Pacing paced = pacing();
        if (!drained) backOnlineForTheSettle();

        if (clock != null) {
            frozenSim = simNow();
            clock.freeze();
            if (!fleetBroken()) clockTold(() -> fleet.clockFrozen(clock.instant())); // a cluster's nodes freeze theirs at the same instant
        }
        long settleStart = System.nanoTime();
        long drainDeadline = settleStart + TimeUnit.SECONDS.toNanos(EDIT_DRAIN_SECONDS);
        while (inFlight.get() > 0 && System.nanoTime() < drainDeadline && !fleetBroken()) Thread.sleep(10); // a broken fleet answers none
        long deadline = settleStart + options.settle().toNanos();
        progress.phase("settle", options.settle().toSeconds());
        live.phase("settle");
        // a violation seen during the run cannot heal: the settle waits only for those that may
        long settledFor = lastChecks(settleStart, deadline) ? SETTLED_FOR_NANOS : settledForNanos(fleet.expiry());
        long settled = awaitCleanLooks(settleStart, deadline, settledFor);
        sampler.stop();
        progress.phase("check", 1);
        live.phase("end");
        List<Runnable> complaints = new ArrayList<>();
        Invariants.Result result = check(true, complaints);
        // the settle ends on clean looks, but a device may act after them: a due activity refresh is written when the
        // device's liveness check completes, and a check that reads a hostile server's announcements (or skips a tick
        // while the one before still runs) may complete after the looks (seen: the hostile GreenMail RunnerTest, about
        // 1 run in 20 - a device restarted near the end refreshed, its sibling had not read it at this check, and the
        // account's digests differed by it alone); a final look that finds what the settle's did not settles again,
        // until the deadline, and only the last look's complaints are reported
        for (int again = 1; unseen(result) != null && System.nanoTime() < deadline && !fleetBroken(); again++) {
            notes(String.format("the final check %.1f s into the settle found %s after clean looks: settling again (%d)",
                    (System.nanoTime() - settleStart) / 1e9, unseen(result).invariant(), again));
            progress.phase("settle", options.settle().toSeconds());
            settled = awaitCleanLooks(settleStart, deadline, settledFor);
            progress.phase("check", 1);
            complaints.clear();
            result = check(true, complaints);
        }
        complaints.forEach(Runnable::run);
        double settleSeconds = (settled - settleStart) / 1e9; // the waits for convergence, not the final checks' asks
        result = result.with(live.notIn(result.violations())); // e.g. a device retired too early by one that stopped since
        live.atEnd(result.violations());
        progress.update(1, result.ok() ? "invariants hold" : result.violations().size() + " violation(s)");
        if (traceFile != null) writeTrace(schedule, storeKind, result);

        Histogram lag = sampler.lag();
        boolean anyLag = lag.getTotalCount() > 0;
        List<String> allNotes = new ArrayList<>(notes);
        if (inFlight.get() > 0) allNotes.add(inFlight.get() + " edit(s) still unanswered after " + EDIT_DRAIN_SECONDS + " s");
        long roots = fleet.secondRoots();
        if (roots > 0) allNotes.add(roots + " newcomer(s) found no valid announcement of a sibling (the provider deleted or altered them), "
                + "made an account of their own, and were paired into their account then, as a user would");
        if (stopping) allNotes.add(0, String.format("stopped %s after %.1f s: %d step(s) not run", broken == null ? "at a violation" : "as the fleet broke",
                stoppedAt, notRun.get()));
        List<Sample> timeline = sampler.timeline();
        int pairedPeak = timeline.stream().mapToInt(Sample::paired).max().orElse(0);
        return new RunResult(schedule.seed(), storeKind, schedule.options().accounts(), devicesPeak, started.size(), pairedPeak, schedule.counts(),
                stepErrors, acked.size(), unacked.get(), sampler.eventsApplied(), result,
                anyLag ? lag.getValueAtPercentile(50) : -1, anyLag ? lag.getValueAtPercentile(99) : -1, anyLag ? lag.getMaxValue() : -1,
                sampler.unresolved(), sampler.storeMessagesMax(), sampler.storeJournalMax(), sampler.storeDropsMax(), storeBound(), fleet.storeOperations(), hostileActs, folderRebuilds.get(), fleet.refusals(), fleet.gossipMail(), (System.nanoTime() - t0) / 1e9, settleSeconds,
                sampler.peakHeap(), startMs, heapPer, threadsPer, timeline, live.firsts(), stoppedAt, notRun.get(), paced, allNotes);
    }

    /**
     * Waits (bounded) for every leaver still waiting for a sibling to read its leave, so the clock freezes and the settle
     * begins with each leave read or noted unread.
     */
    private void awaitLeaves() throws InterruptedException {
        CompletableFuture<Void> all;
        synchronized (leaves) {
            all = CompletableFuture.allOf(leaves.toArray(CompletableFuture[]::new));
        }
        try {
            all.get(LEAVE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            notes("leavers still waiting for a sibling to read their leave " + LEAVE_WAIT_SECONDS + " s after the steps' end: "
                    + leaves.stream().filter(f -> !f.isDone()).count());
        }
    }

    /** Whether the fleet can no longer run its devices ({@link Fleet#broken}); the first time, noted as a step error. */
    private synchronized boolean fleetBroken() {
        if (broken == null && fleet.broken().isPresent()) {
            broken = fleet.broken().get();
            error(null, "the fleet broke: " + broken);
            progress.violation(String.format("stopping at %.1f s: %s", sinceStart() / 1e3, broken));
        }
        return broken != null;
    }

    /** Whether the run stops stepping now: set when the fleet broke, or at the first violation seen during the run when asked to. */
    private synchronized boolean stopsNow() {
        if (!stopping && fleetBroken()) {
            stoppedAt = sinceStart() / 1e3;
            stopping = true;
        }
        if (!stopping && options.stopOnViolation() && live.any()) {
            stoppedAt = sinceStart() / 1e3;
            stopping = true;
            progress.violation(String.format("stopping at %.1f s (--stop-on-violation): closing open spells, then settle and check", stoppedAt));
        }
        return stopping;
    }

    /**
     * After steps ran past their bound and were cut off: the devices whose offline spell was never
     * closed come back online, so the settle and the final check judge a connected fleet (a 200-account
     * run left 77 devices offline and reported each as divergent, on top of the steps it did not run).
     */
    private void backOnlineForTheSettle() throws InterruptedException {
        long grace = STEP_DRAIN_SECONDS / 4;
        if (!lanes.awaitStopped(TimeUnit.SECONDS.toMillis(grace))) notes("steps cut off at the bound were still running " + grace + " s later");
        List<DeviceRef> cut = new ArrayList<>(offline);
        for (DeviceRef d : cut) {
            fleet.online(d, true);
            offline.remove(d);
            if (fleet.isRunning(d)) silences.back(d, simNow());
        }
        if (!cut.isEmpty()) notes(cut.size() + " device(s) whose offline spell the cut-off steps left open came back online for the settle");
    }

    /** After a stop: runs {@code s} only if it ends a spell begun before (a crashed device restarts, an offline one comes back). */
    private void closeSpell(int index, Step s) {
        if (broken != null) {
            notRun.incrementAndGet();
            traced(index, sinceStart(), "not run: the fleet broke");
            return;
        }
        if (s instanceof Step.Restart && crashed.contains(s.device()) || s instanceof Step.Online && offline.contains(s.device())) {
            execute(index, s);
        } else {
            notRun.incrementAndGet();
            traced(index, sinceStart(), "not run: the run stopped at a violation");
        }
    }

    /**
     * {@code d} stops for good: a {@code Leave} ({@link Fleet.Stop#LEAVE}: it retires itself) or an {@code Abandon}
     * ({@link Fleet.Stop#CLOSE}: it closes and stays in the account until it expires).
     */
    private void stopForGood(DeviceRef d, Fleet.Stop how) throws Fleet.FleetException {
        awaitEdits(d); // a user leaves after the device answered the edits made on it; an edit still queued would be lost with it
        boolean retirableBefore = mayRetire(simNow()).contains(d); // before this stop marks it silent or leaving
        silences.silent(d, simNow());
        if (how == Fleet.Stop.LEAVE) silences.removing(d); // it retires itself: its siblings may retire it from now on
        String id = fleet.roster().device(d).deviceId();
        Fleet.Stopped stopped = new Fleet.Stopped(false, false);
        try {
            stopped = fleet.stop(d, how);
        } finally {
            // what it had not uploaded left with it: its missing edits are counted apart (left_unconfirmed_missing)
            if (!stopped.confirmed()) unconfirmedLeavers.add(id);
        }
        // every sibling must have it retired by the end - when its retirement reached the server and a sibling read it
        // there (until then the provider can withhold it from all of them, and they retire it by expiry); the leaver
        // waits for that beside the account's later steps, and the steps' end waits for it (awaitLeaves)
        if (stopped.retired() && stopped.confirmed()) {
            leaves.add(fleet.readBack(d).toCompletableFuture().thenAccept(back -> {
                if (back) silences.removed(d, simNow());
                else notes("leave of " + d + ": no sibling showed it read the retirement before the device stopped");
            }));
        }
        if (inOrder(stopped, how, retirableBefore)) leftInOrder.add(id);
        if (!stopped.confirmed()) {
            notes(how == Fleet.Stop.LEAVE ? "leave of " + d + ": its catch-up of its siblings, its retirement or its uploads were not confirmed in time"
                    : "abandon of " + d + ": its uploads were not confirmed in time");
        }
    }

    /**
     * Whether a device that stopped for good ({@code how}: LEAVE or CLOSE) did so in order, so that its
     * acknowledged edits are required everywhere ({@link Invariants.Observed#leftInOrder}): all of it
     * confirmed, and a leave that retired it, or an abandon (its siblings retire it by expiry only after
     * reading its folder to its end) - and no sibling could have retired it before: a device silent for
     * about as long as the limit earlier in the run ({@code retirableBefore}) may have been retired by
     * expiry then, and what it wrote after it came back and before it learnt so is refused by design
     * (found in a GreenMail run with a server restart every quarter second, where such a device then left
     * in order and its edits made after its expiry were counted as lost).
     */
    static boolean inOrder(Fleet.Stopped stopped, Fleet.Stop how, boolean retirableBefore) {
        return stopped.confirmed() && (stopped.retired() || how == Fleet.Stop.CLOSE) && !retirableBefore;
    }

    private void execute(int index, Step s) {
        DeviceRef d = s.device();
        DeviceRef acting = s instanceof Step.Remove r ? r.by() : d;
        Fleet.NotStarted down = notStarted.get(acting);
        if (down != null && (s instanceof Step.Leave || s instanceof Step.Abandon || s instanceof Step.Crash || s instanceof Step.Remove)) {
            traced(index, sinceStart(), "not run: " + acting + " " + notRunning(down)); // an outcome, as that start was
            return;
        }
        if ((s instanceof Step.Remove || s instanceof Step.Offline || s instanceof Step.Online) && notStarted.get(d) instanceof Fleet.NoPartner never) {
            // no device of the account knows it: nothing to remove, and its silence is nobody's to judge (it must not be retired)
            traced(index, sinceStart(), "not run: " + d + " " + notRunning(never));
            return;
        }
        traced(index, sinceStart(), "done");
        try {
            if (s instanceof Step.Join || s instanceof Step.Restart || s instanceof Step.Return) {
                fleet.start(d);
                if (s instanceof Step.Return) {
                    // back in the account, not retired: it no longer counts as stopped for good, and what it had not
                    // uploaded goes up now; were it retired later, what it writes from now on would be refused by design
                    String id = fleet.roster().device(d).deviceId();
                    leftInOrder.remove(id);
                    unconfirmedLeavers.remove(id);
                }
                notStarted.remove(d);
                started.add(d);
                crashed.remove(d);
                if (!offline.contains(d)) silences.back(d, simNow());
            } else if (s instanceof Step.Leave) {
                stopForGood(d, Fleet.Stop.LEAVE);
            } else if (s instanceof Step.Abandon) {
                stopForGood(d, Fleet.Stop.CLOSE);
            } else if (s instanceof Step.Crash) {
                silences.silent(d, simNow());
                crashed.add(d);
                fleet.stop(d, Fleet.Stop.CRASH);
            } else if (s instanceof Step.Offline) {
                offline.add(d);
                silences.silent(d, simNow());
                fleet.online(d, false);
            } else if (s instanceof Step.Online) {
                fleet.online(d, true);
                offline.remove(d);
                if (fleet.isRunning(d)) silences.back(d, simNow());
            } else if (s instanceof Step.Remove r) {
                awaitKnown(r.by(), d); // a user removes a device their own device lists, not one it has not heard of yet
                silences.removing(d); // its siblings may retire it from now on (a sample may see it before remove returns)
                try {
                    fleet.remove(r.by(), d);
                } catch (Fleet.FleetException e) {
                    String why = retiredRemover(r.by());
                    if (why == null) throw e;
                    traced(index, sinceStart(), "not run: " + r.by() + " was retired: " + why); // its user is told so: an outcome
                    return;
                }
                silences.removed(d, simNow());
                offline.remove(d);
            } else if (s instanceof Step.Edit e) {
                edit(index, e);
            } else if (s instanceof Step.Drop) {
                fleet.drop(d);
            } else if (s instanceof Step.ServerRestart) {
                fleet.restartServer(d.account());
            } else if (s instanceof Step.Hostile h) {
                if (fleet.hostile(d, h.act())) hostileActs.merge(h.act().name(), 1, Integer::sum);
            } else if (s instanceof Step.FolderRebuild) {
                if (fleet.rebuildFolder(d)) folderRebuilds.incrementAndGet();
            }
        } catch (Fleet.RetiredDevice e) {
            notStarted.put(d, e);
            traced(index, sinceStart(), "retired: " + e.getMessage()); // an outcome (it was removed or expired), not a failure
        } catch (Fleet.NoPartner e) {
            notStarted.put(d, e);
            notes(e.getMessage());
            traced(index, sinceStart(), "not run: " + e.getMessage()); // an outcome, as a removal by a retired device is
        } catch (Fleet.FleetException e) {
            error(d, e.getMessage());
            traced(index, sinceStart(), "failed: " + e.getMessage());
        } catch (RuntimeException e) {
            // a fleet that let a store failure through: still a step error, said so, and the lane goes on
            String why = "failed: " + s.getClass().getSimpleName() + " of " + d + ": " + DeviceSystems.reason(e);
            error(d, why);
            traced(index, sinceStart(), why);
        }
        synchronized (this) {
            devicesPeak = Math.max(devicesPeak, fleet.runningCount());
        }
    }

    private static String notRunning(Fleet.NotStarted why) {
        return why instanceof Fleet.RetiredDevice ? "found itself retired at its start" : "found no device of its account to pair with";
    }

    private void edit(int index, Step.Edit e) {
        inFlight.incrementAndGet();
        long at = sinceStart();
        CompletableFuture<Void> answered = new CompletableFuture<>();
        lastEdit.put(e.device(), answered);
        fleet.edit(e.device(), e.change()).whenComplete((dot, failure) -> {
            answered.complete(null);
            if (failure == null) {
                AckedEdit a = AckedEdit.of(e.device(), dot, System.nanoTime(), e.change());
                acked.add(a);
                if (sampler != null) sampler.acked(a);
                traced(index, at, "acked " + dot);
            } else {
                unacked.incrementAndGet();
                traced(index, at, "not acked: " + DeviceSystems.reason(failure));
            }
            inFlight.decrementAndGet();
        });
    }

    /**
     * Every running device's liveness check, asked at the frozen clock ({@link LastChecks}), waited for no longer
     * than the settle would have waited without them (one and a half liveness checks) nor past {@code deadline}.
     * True when each was acted on: the settle then needs clean looks for {@link #SETTLED_FOR_NANOS} only, time
     * for what the checks wrote to reach the siblings; else the settle waits as long as before, and a note says why.
     */
    private boolean lastChecks(long settleStart, long deadline) {
        if (fleetBroken()) return false;
        long until = Math.min(deadline, System.nanoTime() + settledForNanos(fleet.expiry()));
        Set<DeviceRef> devices = fleet.running();
        LastChecks.Outcome o = LastChecks.run(fleet, devices, until, answered -> {
            synchronized (progress) {
                progress.update((System.nanoTime() - settleStart) / 1_000_000_000L, "last liveness checks " + answered + "/" + devices.size());
            }
        });
        if (!o.all()) {
            notes(String.format("the settle's last liveness checks: %d of %d acted on in %.1f s (%s); the settle waits for one and a half periodic checks instead",
                    o.acted(), o.asked(), o.seconds(), o.failure()));
        }
        return o.all();
    }

    /**
     * The settle's looks (every 200 ms) until each for {@code settledFor} found no violation but those seen during the
     * run (which cannot heal), or until {@code deadline}: one clean look can fall between an event's upload retry
     * and its arrival (seen: an 80-account run whose final check, 0.2 s after the settle's only look, found a
     * device one event behind, equal again when the trace was taken). Returns when it ended (System.nanoTime).
     */
    private long awaitCleanLooks(long settleStart, long deadline, long settledFor) throws InterruptedException {
        long cleanSince = -1;
        while (System.nanoTime() < deadline && !fleetBroken()) {
            long now = System.nanoTime();
            if (unseen(check(false, null)) != null) cleanSince = -1;
            else if (cleanSince < 0) cleanSince = now;
            if (cleanSince >= 0 && now - cleanSince >= settledFor) break;
            progress.update((System.nanoTime() - settleStart) / 1_000_000_000L, counters());
            Thread.sleep(200);
        }
        return System.nanoTime();
    }

    /** The first of {@code r}'s violations not seen during the run (those may still heal), or null. */
    private Violation unseen(Invariants.Result r) {
        return r.violations().stream().filter(v -> !live.seen(v)).findFirst().orElse(null);
    }

    /**
     * The invariants over the running devices' states now; {@code last}: the final check's (every running device
     * asked whether it learnt it was retired, entries tried with retired keys; a state that cannot be read is a step
     * error), whose step errors and notes are put into {@code complaints} for the caller to report if this look is
     * the one that ends the run.
     */
    private Invariants.Result check(boolean last, List<Runnable> complaints) {
        Map<DeviceRef, AccountState> states = FleetStates.read(fleet, 30_000, (d, e) -> {
            String why = last && broken == null ? "cannot read the state of " + d + ": " + DeviceSystems.reason(e) : null;
            if (why != null) complaints.add(() -> error(d, why)); // a broken fleet is one error
        });
        List<AckedEdit> edits;
        synchronized (acked) {
            edits = List.copyOf(acked);
        }
        facts.retainOnly(states.keySet());
        Map<DeviceRef, String> learnt = retiredByNotice(states.keySet(), last, complaints);
        Invariants.Result r = Invariants.check(fleet.roster(), states, edits,
                new Invariants.Observed(sampler.journalMax(), storeBound(), sampler.forged(), fleet.withheldUnhealed(), Set.copyOf(unconfirmedLeavers),
                        learnt.keySet(), fleet.restoredAway(), Set.copyOf(leftInOrder)), facts);
        return r.with(retirements(states, learnt, last, complaints));
    }

    /**
     * Which of {@code running} learnt from a notice that they were retired ({@link Fleet#retirement}), with
     * what they were told. During the run asked only of those silent long enough, or removed, to be retired
     * by now - no other can have been; at the {@code last} check of every running device, so one that
     * trusted a forged notice fails {@code silent_devices_retired}, and one that does not answer is noted.
     * The asks go out together and share one 10 s deadline.
     */
    private Map<DeviceRef, String> retiredByNotice(Set<DeviceRef> running, boolean last, List<Runnable> complaints) {
        Set<DeviceRef> asked = new java.util.TreeSet<>(last ? running : mayRetire(simNow()));
        asked.retainAll(running);
        Map<DeviceRef, CompletableFuture<java.util.Optional<String>>> answers = new java.util.TreeMap<>();
        for (DeviceRef d : asked) {
            try {
                answers.put(d, fleet.retirement(d).toCompletableFuture());
            } catch (RuntimeException e) {
                answers.put(d, CompletableFuture.failedFuture(e));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Map<DeviceRef, String> out = new java.util.TreeMap<>();
        for (var a : answers.entrySet()) {
            try {
                a.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS).ifPresent(why -> out.put(a.getKey(), why));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return out;
            } catch (Exception e) {
                String why = "cannot ask " + a.getKey() + " whether it learnt it was retired: " + DeviceSystems.reason(e);
                if (last) complaints.add(() -> notes(why));
            }
        }
        return out;
    }

    /**
     * {@code silent_devices_retired} over {@code states}: which devices must and may be retired by now
     * ({@link Silences}, against the fleet's expiry limit give or take two liveness checks, an
     * hour and twice the largest clock skew), and - at the last check - every entry the running devices wrote after retiring a device,
     * tried with that device's key.
     */
    private List<Violation> retirements(Map<DeviceRef, AccountState> states, Map<DeviceRef, String> retiredByNotice, boolean last,
                                        List<Runnable> complaints) {
        Fleet.Expiry x = fleet.expiry();
        long slack = retireSlack();
        long now = simNow();
        Map<DeviceRef, AccountState> witnesses = new java.util.TreeMap<>(states);
        witnesses.keySet().removeAll(offline);
        witnesses.keySet().removeAll(retiredByNotice.keySet()); // it checks liveness no more: no witness of what its siblings did
        List<RetirementCheck.Audit> audits = List.of();
        if (last) {
            List<RetiredKeyAudits.Asked> asked = new ArrayList<>();
            for (var w : witnesses.entrySet()) {
                for (DeviceRef r : RetirementCheck.retiredIn(fleet.roster(), w.getKey(), w.getValue())) asked.add(new RetiredKeyAudits.Asked(w.getKey(), r));
            }
            RetiredKeyAudits.Outcome o = RetiredKeyAudits.run(fleet, asked);
            audits = o.audits();
            for (String failure : o.failures()) {
                String why = "silent_devices_retired: entries not tried with retired keys: " + failure;
                complaints.add(() -> notes(why));
            }
        }
        return RetirementCheck.check(fleet.roster(), witnesses, states, silences.mustRetire(now, x.expireAfter().toMillis() + slack),
                mayRetire(now), retiredByNotice, audits);
    }

    /** How far a retirement may stray from the expiry limit: two liveness checks at the time scale, an hour, twice the largest clock skew. */
    private long retireSlack() {
        return (long) (2 * fleet.expiry().checkEvery().toMillis() * options.timeScale()) + 3_600_000L + skewSlackMillis;
    }

    /**
     * Why {@code by}, which refused a removal, works no more in its account - it learnt that a sibling retired
     * it - when it may have been retired by now ({@link #mayRetire}: silent about as long as the limit);
     * else null (the refusal is a step error). Seen in a GreenMail run with a server restart every half
     * second: a device expired while the steps lagged, and a removal through it was scheduled afterwards.
     */
    private String retiredRemover(DeviceRef by) {
        if (!mayRetire(simNow()).contains(by)) return null;
        try {
            return fleet.retirement(by).toCompletableFuture().get(KNOWN_WAIT_SECONDS, TimeUnit.SECONDS).orElse(null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    /** The devices that may be retired at simulated time {@code now}: removed (or being removed), or silent long enough at some time. */
    private Set<DeviceRef> mayRetire(long now) {
        Fleet.Expiry x = fleet.expiry();
        return silences.mayRetire(now, x.expireAfter().toMillis() - x.announceEvery().toMillis() - retireSlack());
    }

    /** {@link #mayRetire} now: asked by a sample after it read the states, so every retirement it saw happened before. */
    private Set<DeviceRef> mayRetireNow() { return mayRetire(simNow()); }

    /** Waits (at most 30 s) until {@code d} answered every edit asked of it so far. */
    private void awaitEdits(DeviceRef d) {
        CompletableFuture<?> last = lastEdit.get(d);
        if (last == null) return;
        try {
            last.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            notes("leave of " + d + ": its last edit was not answered within 30 s");
        }
    }

    /**
     * Waits (at most {@link #KNOWN_WAIT_SECONDS} s) until {@code by}'s state has {@code target}: the
     * workload may schedule a removal right after the target joined, before the remover learned of it
     * (its removal was then refused - "no device ... in this account" - and counted a step error).
     */
    private void awaitKnown(DeviceRef by, DeviceRef target) {
        String id = fleet.roster().device(target).deviceId();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(KNOWN_WAIT_SECONDS);
        try {
            while (System.nanoTime() < deadline) {
                AccountState s = fleet.state(by).toCompletableFuture().get(KNOWN_WAIT_SECONDS, TimeUnit.SECONDS);
                if (s.devices().containsKey(id)) return;
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            return; // the removal itself reports what is wrong with the remover
        }
    }

    private static final int KNOWN_WAIT_SECONDS = 10;

    /**
     * Simulated milliseconds since the paced steps began (0 during the initial joins): the driven clock's
     * time, which the {@link Pacer} slows; without one, real time since then times the scale.
     */
    private long simNow() {
        long f = frozenSim;
        if (f >= 0) return f;
        if (clock != null) return clock.virtualMillis();
        long p = paceStart;
        return p == 0 ? 0 : (long) ((System.nanoTime() - p) / 1e6 * options.timeScale());
    }

    /** About how long in real time {@code simMillis} of simulated time take at the clock's pace now, at most 100 ms. */
    private long realNanosFor(long simMillis) {
        double pace = clock == null ? 1 : clock.pace();
        return Math.max(100_000L, Math.min(100_000_000L, (long) (simMillis / (options.timeScale() * pace) * 1e6)));
    }

    /**
     * Starts the pacer's thread: every {@link #PACING_LOOK_MILLIS} it looks how long the oldest step not yet done
     * has been due, and sets the driven clock's pace from that (telling a cluster's nodes). A run that does not drive
     * its devices' clock is measured, not paced. Stopped once the steps drained ({@link #pacingOn}).
     */
    private Thread startPacing() {
        pacer = new Pacer(Pacer.boundFor(fleet.expiry().expireAfter().toMillis()));
        Thread t = new Thread(() -> {
            try {
                while (pacingOn) {
                    Map.Entry<Integer, Long> oldest = pending.firstEntry();
                    double pace = pacer.look(simNow(), oldest == null ? -1 : oldest.getValue(), System.nanoTime());
                    if (clock != null && pace != clock.pace()) {
                        clock.pace(pace);
                        if (!fleetBroken()) clockTold(() -> fleet.clockPaced(clock.instant(), pace));
                    }
                    Thread.sleep(PACING_LOOK_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // a daemon thread nobody interrupts: ends
            }
        }, "sim-pacer");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * What pacing did up to now (the pacer starts with the first paced step): measured only ({@link Pacing#boundMillis} -1)
     * when the run does not drive its devices' clock.
     */
    private Pacing pacing() {
        Pacing r = pacer.result(System.nanoTime());
        return clock == null ? new Pacing(-1, r.maxLagMillis(), 0, 0) : r;
    }

    private long storeBound() {
        return Invariants.storeBound(fleet.roster().accounts().isEmpty() ? 0 : fleet.roster().accounts().get(0).devices().size(),
                fleet.snapshotEvery());
    }

    /**
     * The joins at time zero, {@link #setupParallelism} accounts at a time (those with most devices first), each
     * account's devices one after the other (the first bootstraps the account, every later one pairs with a running sibling;
     * a start mostly waits - for its actor, its first state, the pairing drops - so a large fleet starts
     * several times faster than one by one).
     */
    private void startConcurrently(List<Step> steps, int setup) throws InterruptedException {
        Map<Integer, List<Integer>> byAccount = new java.util.TreeMap<>();
        for (int i = 0; i < setup; i++) byAccount.computeIfAbsent(steps.get(i).device().account(), a -> new ArrayList<>()).add(i);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(setupParallelism(byAccount.size()), r -> {
            Thread t = new Thread(r, "sim-setup");
            t.setDaemon(true);
            return t;
        });
        AtomicLong done = new AtomicLong();
        try {
            // the accounts with most devices first: each pairs its devices one after the other, and a long chain
            // started last would leave the setup waiting for it alone
            List<List<Integer>> longestFirst = new ArrayList<>(byAccount.values());
            longestFirst.sort(java.util.Comparator.comparingInt((List<Integer> a) -> a.size()).reversed());
            for (List<Integer> account : longestFirst) {
                pool.execute(() -> {
                    for (int index : account) {
                        execute(index, steps.get(index));
                        long n = done.incrementAndGet();
                        if (n % 100 == 0 || n == setup) {
                            synchronized (progress) {
                                progress.update(n, fleet.runningCount() + " devices running");
                            }
                        }
                    }
                });
            }
        } finally {
            pool.shutdown();
            if (!pool.awaitTermination(60 + setup / 2, TimeUnit.SECONDS)) { // at least 2 starts a second (a 500-device Dovecot setup needs over 4 minutes)
                pool.shutdownNow();
                error(null, "the initial joins did not finish in time");
            }
        }
    }

    /**
     * How many accounts start side by side: all of them up to {@link #SETUP_PARALLELISM}. A start
     * mostly waits (the pairing drops, the first state), so with 8 side by side a 1,000-device setup
     * used 0.6 of the 2 cores and took 78 s; with 32 it used 1.8 and took 29 s (docs/BENCHMARKS.md).
     * More than that only lengthens each pairing once the CPU is the bound.
     */
    static int setupParallelism(int accounts) {
        return Math.max(1, Math.min(SETUP_PARALLELISM, accounts));
    }

    /** Records the trace (journals and digests of the devices, which still run) and writes it; a failure is a note, not a lost run. */
    private void writeTrace(Schedule schedule, String storeKind, Invariants.Result result) throws InterruptedException {
        progress.phase("trace", 1);
        List<String> violations = new ArrayList<>();
        for (Violation v : result.violations()) {
            violations.add(v.invariant() + " account " + v.accountId() + " devices " + v.devices()
                    + (v.missingDots().isEmpty() ? "" : " missing " + v.missingDots()) + ": " + v.detail());
        }
        long t0 = System.nanoTime();
        try {
            TraceFile.write(trace.capture(schedule, storeKind, options.timeScale(), fleet, Set.copyOf(started), violations), traceFile);
            progress.update(1, String.format("trace %s: %d bytes in %.1f s", traceFile, java.nio.file.Files.size(traceFile), (System.nanoTime() - t0) / 1e9));
        } catch (java.io.IOException | RuntimeException e) {
            notes("trace not written to " + traceFile + ": " + e.getMessage());
        }
    }

    private void traced(int index, long atMillis, String outcome) {
        if (trace != null) trace.step(index, atMillis, outcome);
    }

    /** Real milliseconds since the paced steps began (0 during the initial joins). */
    private long sinceStart() {
        long p = paceStart;
        return p == 0 ? 0 : (System.nanoTime() - p) / 1_000_000;
    }

    private String counters() {
        return fleet.runningCount() + " up, " + offline.size() + " off, " + acked.size() + " acked, "
                + (sampler == null ? 0 : sampler.unresolved()) + " spreading" + (clock != null && clock.pace() < 1 ? ", clock slowed: steps behind" : "");
    }

    /**
     * The fleet follows the driven clock; when it cannot (a node did not answer in time) the run fails with a step error
     * saying so, noted first whatever the notes held: the devices of that node stand still or keep running.
     */
    private void clockTold(ClockHook hook) {
        try {
            hook.run();
        } catch (Fleet.FleetException e) {
            synchronized (this) {
                stepErrors++;
                notes.add(0, e.getMessage());
            }
            live.stepError(null, e.getMessage());
        }
    }

    private interface ClockHook {
        void run() throws Fleet.FleetException;
    }

    /** A step error ({@code all_steps_executed}); {@code d}: the device involved, null when none is. */
    private void error(DeviceRef d, String what) {
        synchronized (this) {
            stepErrors++;
            notes(what);
        }
        live.stepError(d, what);
    }

    private void notes(String what) {
        if (notes.size() < MAX_NOTES) notes.add(what);
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
