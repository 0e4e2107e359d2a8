package dev.kinbox.cli.bench;

import dev.kinbox.cli.QuietLogs;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.simulator.fleet.AccountStores;
import dev.kinbox.simulator.fleet.HostedFleet;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.run.RunOptions;
import dev.kinbox.simulator.run.RunResult;
import dev.kinbox.simulator.run.Runner;
import dev.kinbox.simulator.run.VirtualClock;
import dev.kinbox.simulator.workload.Schedule;
import dev.kinbox.simulator.workload.Workload;
import dev.kinbox.simulator.workload.WorkloadOptions;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code kinbox bench simulate}: one fixed scenario - accounts of 4 devices on the memory store (or,
 * with {@code --store greenmail|dovecot}, a server started for the run: {@link #SERVER_SIZES}), the
 * first bootstrapping the account and the others pairing by short code, then {@link #SCENARIO_SECONDS}
 * s of steps with a few edits, crashes and offline spells per device per simulated day - at growing
 * sizes ({@code --sizes}, default {@link #DEFAULT_SIZES}; {@code --devices N} one size; {@code --quick}
 * 40 and 200), so the growth of cost with scale is visible. The clock runs {@link #timeScale} times
 * real time: one simulated hour per second at 1,000 devices and proportionally slower above, so every
 * size asks about the same edits per real second (~10) and what grows is the population (its heap, its
 * periodic work, its setup). The fleet's periodic work is scaled to the size ({@link HostedFleet.Options#scaledTo}).
 *
 * <p>Each size runs within a time limit ({@code --time-limit}); a size that does not finish reports
 * {@code reached: false} with how far it got, and the sizes after it are not run.
 */
final class SimulateBench implements BenchTarget {
    static final int DEVICES_PER_ACCOUNT = 4;
    static final int SCENARIO_SECONDS = 60;
    static final List<Integer> DEFAULT_SIZES = List.of(1_000, 10_000);
    private static final double BASE_TIME_SCALE = 3600;
    private static final int BASE_DEVICES = 1_000;

    @Override public String name() { return "simulate"; }

    /** Default sizes on an IMAP server started for the run: the 2,000 devices on GreenMail, 500 on Dovecot. */
    static final Map<String, List<Integer>> SERVER_SIZES = Map.of("greenmail", List.of(500, 2_000), "dovecot", List.of(500));

    @Override public String description() {
        return "the simulator at growing sizes (--sizes 1000,10000,100000; --store memory, greenmail or dovecot): wall, events/s, heap/device, lag";
    }

    @Override public List<BenchResult> run(BenchContext ctx) throws Exception {
        QuietLogs.apply();
        List<BenchResult> results = new ArrayList<>();
        for (String store : ctx.storeSpecs("simulate")) {
            if (!AccountStores.KINDS.contains(store)) {
                throw new IllegalArgumentException("simulate runs on memory, greenmail or dovecot (a server started for the run, one user per account), not " + store);
            }
            results.add(onStore(store, sizes(ctx, store), ctx));
        }
        return results;
    }

    static List<Integer> sizes(BenchContext ctx, String store) {
        List<Integer> sizes = !ctx.sizes().isEmpty() ? ctx.sizes()
                : ctx.devices().isPresent() ? List.of(ctx.devices().getAsInt()) : ctx.quick() ? List.of(40, 200)
                : SERVER_SIZES.getOrDefault(store, DEFAULT_SIZES);
        for (int devices : sizes) {
            if (devices < DEVICES_PER_ACCOUNT) throw new IllegalArgumentException("every size must be at least " + DEVICES_PER_ACCOUNT + " devices");
        }
        return sizes;
    }

    private static BenchResult onStore(String store, List<Integer> sizes, BenchContext ctx) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        boolean allOk = true;
        for (int devices : sizes) {
            ctx.progress().printf("simulate: %d devices on %s (time scale %.0f, limit %d s, heap max %d MB) ...%n", devices, store, timeScale(devices),
                    ctx.timeLimit().toSeconds(), Runtime.getRuntime().maxMemory() >> 20);
            Map<String, Object> m = once(devices, ctx.quick() ? 10 : SCENARIO_SECONDS, ctx.timeLimit(), ctx.progress(), store);
            out.add(m);
            ctx.progress().println("simulate: " + m);
            allOk &= Boolean.TRUE.equals(m.get("invariants_hold"));
            if (!Boolean.TRUE.equals(m.get("reached"))) {
                ctx.progress().println("simulate: " + devices + " devices not reached within " + ctx.timeLimit().toSeconds() + " s; larger sizes not run");
                break;
            }
        }
        printSizes(store, out, ctx.progress());
        return BenchResult.of(store).put("store", store).put("sizes", out).put("all_invariants_hold", allOk).build();
    }

    /** Simulated time per real time at {@code devices}: 3600 up to 1,000 devices, proportionally less above (same edits per real second). */
    static double timeScale(int devices) {
        return BASE_TIME_SCALE * Math.min(1.0, BASE_DEVICES / (double) devices);
    }

    /**
     * The longest wait for convergence after the last step: 120 s, or one sweep interval and a minute
     * when the fleet's sweeps are further apart (5 minutes at 100,000 devices). Nudges make entries
     * arrive at once, but the sweep is what guarantees a device finds an entry whose nudge it missed,
     * so the settle lets one pass. It ends as soon as the invariants hold.
     */
    static Duration settle(HostedFleet.Options options) {
        Duration sweepAndAMinute = options.sweepInterval().plusMinutes(1);
        return sweepAndAMinute.compareTo(SETTLE_MIN) > 0 ? sweepAndAMinute : SETTLE_MIN;
    }

    private static final Duration SETTLE_MIN = Duration.ofSeconds(120);

    /**
     * One run of the scenario with {@code devices} devices (rounded down to whole accounts), bounded by
     * {@code limit} after the keys are made: a run over it is abandoned (the JVM exits after the report)
     * and reported as {@code reached: false} with the phase and count it got to.
     */
    static Map<String, Object> once(int devices, int seconds, Duration limit, PrintStream progress, String store) throws Exception {
        int accounts = devices / DEVICES_PER_ACCOUNT;
        double scale = timeScale(devices);
        WorkloadOptions wo = new WorkloadOptions(accounts, DEVICES_PER_ACCOUNT, DEVICES_PER_ACCOUNT,
                Duration.ofMillis((long) (seconds * 1000L * scale)), 0.25, 0, 0, 0.2, 0.3, Duration.ofHours(2), 0, 10_000_000);
        Schedule s = Workload.generate(42, wo);
        long k0 = System.nanoTime();
        Roster roster = Roster.generate(accounts, wo.slotsPerAccount(), "bench.kinbox.invalid", Crypto.standard());
        double keySeconds = (System.nanoTime() - k0) / 1e9;
        progress.printf("simulate: %d keys made in %.1f s%n", accounts * wo.slotsPerAccount(), keySeconds);
        VirtualClock clock = VirtualClock.held(Instant.parse("2030-01-01T00:00:00Z"), scale, System::nanoTime);
        HostedFleet.Options options = HostedFleet.Options.forStore(store).scaledTo(devices, scale);
        BenchProgress seen = new BenchProgress(progress, 10_000);
        long heapBefore = usedHeapAfterGc();
        HostedFleet fleet = new HostedFleet(roster, AccountStores.open(store, new SecureRandom()), clock, options);
        long t0 = System.nanoTime();
        CompletableFuture<RunResult> run = CompletableFuture.supplyAsync(() -> {
            try {
                return new Runner(fleet, new RunOptions(scale, settle(options), Duration.ofMillis(200)), seen).drivingClock(clock).run(s, store);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }, command -> {
            Thread t = new Thread(command, "bench-simulate");
            t.setDaemon(true);
            t.start();
        });
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("devices", devices);
        m.put("accounts", accounts);
        m.put("time_scale", scale);
        m.put("timings", Map.of("drop_poll_ms", options.dropPoll().toMillis(), "liveness_check_ms", options.livenessCheck().toMillis(),
                "sweep_ms", options.sweepInterval().toMillis()));
        m.put("key_seconds", round(keySeconds));
        RunResult r;
        try {
            r = run.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            m.put("reached", false);
            m.put("wall_seconds", round((System.nanoTime() - t0) / 1e9));
            m.put("got_to", seen.where());
            m.put("heap_used_bytes", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
            // as far as it got: the heap after GC over the devices running now (they are still running)
            int runningNow = fleet.runningCount();
            m.put("devices_running", runningNow);
            m.put("heap_bytes_per_device", runningNow == 0 ? -1 : (usedHeapAfterGc() - heapBefore) / runningNow);
            m.put("invariants_hold", false);
            run.cancel(true);
            // stopping 100k devices one by one takes minutes: in the background, and the command ends the JVM after the report
            Thread closer = new Thread(fleet::close, "bench-simulate-close");
            closer.setDaemon(true);
            closer.start();
            return m;
        }
        fleet.close();
        m.put("reached", true);
        m.put("devices", r.devicesPeak());
        m.put("wall_seconds", round(r.wallSeconds()));
        m.put("start_seconds", round(r.startMsPerDevice() * r.devicesStarted() / 1000));
        m.put("events_applied", r.eventsApplied());
        m.put("events_per_s", round(r.eventsApplied() / r.wallSeconds()));
        m.put("acked_edits", r.ackedEdits());
        m.put("heap_bytes_per_device", r.heapBytesPerDevice());
        m.put("peak_heap_bytes", r.peakHeapBytes());
        m.put("start_ms_per_device", round(r.startMsPerDevice()));
        Map<String, Object> lag = new LinkedHashMap<>();
        lag.put("p50", r.lagP50Ms());
        lag.put("p99", r.lagP99Ms());
        m.put("convergence_lag_ms", lag);
        m.put("store_ops", r.storeOps());
        m.put("steps_behind_max_ms", r.pacing().maxLagMillis()); // how far the steps fell behind the devices' clock (simulated)
        m.put("clock_slowed_seconds", round(r.pacing().slowedSeconds())); // real seconds the pacer slowed that clock
        m.put("invariants_hold", r.ok());
        m.put("step_errors", r.stepErrors());
        m.put("violations", r.check().violations().stream().limit(3)
                .map(v -> v.invariant() + " " + v.accountId() + " " + v.devices() + ": " + v.detail()).toList());
        m.put("notes", r.notes().stream().limit(5).toList());
        return m;
    }

    /** One line per size: the figures the issue asks for, side by side. */
    private static void printSizes(String store, List<Map<String, Object>> sizes, PrintStream out) {
        out.println("simulate on " + store + ":");
        out.printf("%10s %8s %10s %10s %12s %16s %s%n", "devices", "reached", "wall s", "events/s", "heap/device", "lag p50/p99 ms", "invariants");
        for (Map<String, Object> m : sizes) {
            Object lag = m.get("convergence_lag_ms") instanceof Map<?, ?> l ? l.get("p50") + "/" + l.get("p99") : "-";
            out.printf("%10s %8s %10s %10s %12s %16s %s%n", m.get("devices"), m.get("reached"), m.get("wall_seconds"),
                    m.getOrDefault("events_per_s", "-"), m.getOrDefault("heap_bytes_per_device", "-"), lag, m.get("invariants_hold"));
        }
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static double round(double x) { return Math.round(x * 10) / 10.0; }
}
