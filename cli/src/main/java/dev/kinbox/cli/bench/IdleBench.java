package dev.kinbox.cli.bench;

import dev.kinbox.actors.embed.KinboxDevice;
import dev.kinbox.cli.QuietLogs;
import dev.kinbox.journal.mail.CountingMailStore;
import dev.kinbox.journal.mail.MailStores;
import dev.kinbox.persistence.crdt.LwwRegister;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code kinbox bench idle}: what an idle device costs its IMAP server, and how soon an edit still
 * reaches its siblings. Each run is a fresh account ({@link BenchAccount}) of {@code --devices}
 * devices (3 by default) through the embedding API with its default settings, each paired by code
 * with the first. After the pairings the devices are left alone for {@link #SETTLE_S} s (their
 * snapshots, streams restarted for the new sibling; {@code --quick} 5 s), then for the idle window
 * ({@link #WINDOW_S} s, {@code --quick} {@link #QUICK_WINDOW_S} s) every store
 * operation each device asks for is counted by IMAP command. Then the first device changes a setting
 * and the time until every other device holds it is measured. The watch on each device's own folder
 * (IDLE, or NOOP polling where the server lacks IDLE) is one held connection and is not counted.
 */
final class IdleBench implements BenchTarget {
    static final int SETTLE_S = 30;
    static final int WINDOW_S = 60;
    static final int QUICK_WINDOW_S = 15;
    private static final int QUICK_SETTLE_S = 5;
    private static final String KEY = "bench.idle";

    @Override public String name() { return "idle"; }

    @Override public String description() {
        return "an idle account of paired devices with the embedding API's defaults: store ops per device and hour, by command; edit seen by siblings (ms)";
    }

    @Override public List<BenchResult> run(BenchContext ctx) throws Exception {
        QuietLogs.apply();
        int runs = ctx.quick() ? 1 : ctx.runs();
        int devices = ctx.devices().orElse(3);
        if (devices < 2 || devices > 8) throw new IllegalArgumentException("idle: --devices must be 2..8, got " + devices);
        int window = ctx.quick() ? QUICK_WINDOW_S : WINDOW_S;
        int settle = ctx.quick() ? QUICK_SETTLE_S : SETTLE_S;
        List<BenchResult> out = new ArrayList<>();
        for (String spec : ctx.storeSpecs("idle")) {
            BenchAccount.requireNewAccounts("idle", spec);
            ctx.progress().println("idle: " + runs + " run(s) on " + spec + ", each a new account of " + devices + " devices idle for " + window + " s");
            try (MailStores.Running r = MailStores.open(spec, System.getenv())) {
                double[] perHour = new double[runs];
                List<Map<String, Long>> byCommand = new ArrayList<>();
                List<Double> seen = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    Run one = once(r, i, devices, settle, window);
                    perHour[i] = perDeviceHour(one.total(), window, devices);
                    byCommand.add(one.byCommand());
                    seen.addAll(one.seenMs());
                    ctx.progress().printf("  run %d: %.0f store ops per device and hour %s, edit seen in %s ms%n", i + 1, perHour[i], one.byCommand(),
                            one.seenMs().stream().map(ms -> String.format("%.0f", ms)).toList());
                }
                double[] seenMs = seen.stream().mapToDouble(Double::doubleValue).toArray();
                out.add(BenchResult.of(r.name()).put("store", r.name()).put("runs", runs).put("devices", devices).put("idle_seconds", window)
                        .put("store_ops_per_device_hour", Stats.round(Stats.median(perHour)))
                        .put("store_ops_per_device_hour_by_command", medianPerDeviceHour(byCommand, window, devices))
                        .percentiles("edit_seen_ms", Stats.round(Stats.percentile(seenMs, 0.5)), Stats.round(Stats.percentile(seenMs, 0.99)))
                        .build());
            }
        }
        return out;
    }

    /** What one run counted in its window (by command, all devices) and each sibling's time to hold the edit. */
    private record Run(Map<String, Long> byCommand, List<Double> seenMs) {
        long total() {
            return byCommand.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static double perDeviceHour(long ops, int window, int devices) {
        return ops * 3600.0 / window / devices;
    }

    private static Run once(MailStores.Running r, int run, int count, int settle, int window) throws Exception {
        try (BenchAccount account = BenchAccount.open(r, "idle" + run)) {
            List<KinboxDevice> devices = new ArrayList<>();
            devices.add(account.start("Device-1"));
            for (int i = 2; i <= count; i++) {
                KinboxDevice d = account.start("Device-" + i);
                account.pair(devices.get(0), d);
                devices.add(d);
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(settle));
            Map<String, Long> before = counted(account.stores());
            Thread.sleep(TimeUnit.SECONDS.toMillis(window));
            Map<String, Long> during = minus(counted(account.stores()), before);
            return new Run(during, editSeen(devices, "run-" + run));
        }
    }

    /** The first device sets {@link #KEY} to {@code value}; ms until each other device holds it. */
    private static List<Double> editSeen(List<KinboxDevice> devices, String value) throws Exception {
        long t0 = System.nanoTime();
        BenchAccount.get(devices.get(0).changeSetting(KEY, value));
        List<Double> out = new ArrayList<>();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(BenchAccount.WAIT_S);
        for (KinboxDevice d : devices.subList(1, devices.size())) {
            while (!holds(d, value)) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("device " + d.deviceId() + " did not get the edit in " + BenchAccount.WAIT_S + " s");
                Thread.sleep(10);
            }
            out.add((System.nanoTime() - t0) / 1e6);
        }
        return out;
    }

    private static boolean holds(KinboxDevice d, String value) throws Exception {
        LwwRegister<String> r = BenchAccount.get(d.state()).settings().get(KEY);
        return r != null && value.equals(r.value());
    }

    private static Map<String, Long> counted(List<CountingMailStore> stores) {
        Map<String, Long> sum = new TreeMap<>();
        for (CountingMailStore s : stores) s.operationsByCommand().forEach((c, n) -> sum.merge(c, n, Long::sum));
        return sum;
    }

    private static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> out = new TreeMap<>();
        after.forEach((c, n) -> {
            long d = n - before.getOrDefault(c, 0L);
            if (d > 0) out.put(c, d);
        });
        return out;
    }

    /** Per command, the median over the runs of its operations per device and hour. */
    private static Map<String, Double> medianPerDeviceHour(List<Map<String, Long>> runs, int window, int devices) {
        Map<String, Double> out = new TreeMap<>();
        runs.stream().flatMap(m -> m.keySet().stream()).distinct().forEach(c -> out.put(c, Stats.round(Stats.median(
                runs.stream().mapToDouble(m -> perDeviceHour(m.getOrDefault(c, 0L), window, devices)).toArray()))));
        return out;
    }
}
