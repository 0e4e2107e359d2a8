package dev.kinbox.cli.bench;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.simulator.fleet.AccountStores;
import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.fleet.HostedFleet;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.run.Progress;
import dev.kinbox.simulator.run.RunOptions;
import dev.kinbox.simulator.run.RunResult;
import dev.kinbox.simulator.run.Runner;
import dev.kinbox.simulator.run.VirtualClock;
import dev.kinbox.simulator.workload.Schedule;
import dev.kinbox.simulator.workload.Workload;
import dev.kinbox.simulator.workload.WorkloadOptions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code kinbox bench simulate}: one fixed scenario - accounts of 4 devices on the memory store,
 * {@link #SCENARIO_SECONDS} s of steps at one simulated hour per second with a few edits, crashes and
 * offline spells per device - at growing sizes (1,000 and 10,000 devices; {@code --devices N} runs
 * that one size; {@code --quick} 40 and 200), so the growth of cost with scale is visible. Figures per
 * size: wall time, events applied per second, heap per device (after GC, over the initial starts),
 * convergence lag p50/p99, and whether every invariant held.
 */
final class SimulateBench implements BenchTarget {
    static final int DEVICES_PER_ACCOUNT = 4;
    static final int SCENARIO_SECONDS = 60;
    private static final double TIME_SCALE = 3600;

    @Override public String name() { return "simulate"; }

    @Override public String description() {
        return "the simulator at growing sizes on the memory store (1k, 10k devices; --devices N one size): wall, events/s, heap/device, lag";
    }

    @Override public List<BenchResult> run(BenchContext ctx) throws Exception {
        List<Integer> sizes = ctx.devices().isPresent() ? List.of(ctx.devices().getAsInt()) : ctx.quick() ? List.of(40, 200) : List.of(1_000, 10_000);
        List<Map<String, Object>> out = new ArrayList<>();
        boolean allOk = true;
        for (int devices : sizes) {
            if (devices < DEVICES_PER_ACCOUNT) throw new IllegalArgumentException("--devices must be at least " + DEVICES_PER_ACCOUNT);
            ctx.progress().println("simulate: " + devices + " devices ...");
            RunResult r = once(devices, ctx.quick() ? 10 : SCENARIO_SECONDS);
            allOk &= r.ok();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("devices", r.devicesPeak());
            m.put("accounts", r.accounts());
            m.put("wall_seconds", round(r.wallSeconds()));
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
            m.put("invariants_hold", r.ok());
            m.put("step_errors", r.stepErrors());
            out.add(m);
            ctx.progress().println("simulate: " + m);
        }
        return List.of(BenchResult.of("memory").put("store", "memory").put("sizes", out).put("all_invariants_hold", allOk).build());
    }

    /** One run of the scenario with {@code devices} devices (rounded down to whole accounts). */
    static RunResult once(int devices, int seconds) throws Exception {
        int accounts = devices / DEVICES_PER_ACCOUNT;
        WorkloadOptions wo = new WorkloadOptions(accounts, DEVICES_PER_ACCOUNT, DEVICES_PER_ACCOUNT,
                Duration.ofMillis((long) (seconds * 1000L * TIME_SCALE)), 0.25, 0, 0, 0.2, 0.3, Duration.ofHours(2), 0, 10_000_000);
        Schedule s = Workload.generate(42, wo);
        Roster roster = Roster.generate(accounts, wo.slotsPerAccount(), "bench.kinbox.invalid", Crypto.standard());
        VirtualClock clock = new VirtualClock(Instant.parse("2030-01-01T00:00:00Z"), TIME_SCALE, System::nanoTime);
        try (Fleet f = new HostedFleet(roster, AccountStores.open("memory", new SecureRandom()), clock, HostedFleet.Options.defaults())) {
            return new Runner(f, new RunOptions(TIME_SCALE, Duration.ofSeconds(120), Duration.ofMillis(200)), Progress.NONE).run(s, "memory");
        }
    }

    private static double round(double x) { return Math.round(x * 10) / 10.0; }
}
