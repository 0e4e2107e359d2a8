package dev.kinbox.cli.bench;

import dev.kinbox.actors.muaa.Muaa;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.Keyring;
import dev.kinbox.journal.mail.CountingMailStore;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStores;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.KinboxCodec;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import dev.kinbox.simulator.fleet.DeviceSystems;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * {@code kinbox bench replication}: N devices of one account (one ActorSystem, key, local log and
 * store connection set each, like N phones and laptops), every device's MUAA replicating from the
 * others through the SMA folders. Measures the latency from an edit on one device to its application
 * on every sibling, against the server's raw change notification in the same run; sustained edits/s
 * until every device has every edit and all state digests are equal; IMAP operations per edit.
 */
final class ReplicationBench implements BenchTarget {
    private static final AtomicLong SEQ = new AtomicLong();
    private static final Duration ASK = DeviceSystems.ASK;
    private static final Duration CONVERGE = Duration.ofMinutes(3);

    /** Latency samples, sustained edits, and how many edits each device may have unanswered. */
    record Workload(int samples, int edits, int inFlight) {
        static Workload of(boolean quick) {
            return quick ? new Workload(10, 150, 50) : new Workload(200, 6_000, 200);
        }
    }

    @Override public String name() { return "replication"; }

    @Override public String description() {
        return "MUAA replication among N devices (--devices, default 3): edit->sibling latency vs raw notify, edits/s converged, IMAP ops/edit";
    }

    @Override public List<BenchResult> run(BenchContext ctx) throws Exception {
        int n = ctx.devices().orElse(3);
        if (n < 2 || n > 50) throw new IllegalArgumentException("--devices must be 2..50 for replication");
        List<OpenPGPKey> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) keys.add(Crypto.standard().generateKey("<device@bench.invalid>"));
        List<BenchResult> out = new ArrayList<>();
        for (String spec : ctx.storeSpecs("replication")) {
            ctx.progress().println("replication: " + n + " devices on " + spec);
            try (MailStores.Running r = MailStores.open(spec, System.getenv())) {
                out.add(measure(r, keys, Workload.of(ctx.quick()), ctx));
            }
        }
        return out;
    }

    private BenchResult measure(MailStores.Running r, List<OpenPGPKey> keys, Workload w, BenchContext ctx) throws Exception {
        int n = keys.size();
        List<String> ids = keys.stream().map(k -> Keyring.deviceIdOf(k.toCertificate())).toList();
        String account = "bench" + SEQ.incrementAndGet() + "@kinbox.invalid";
        List<CountingMailStore> stores = new ArrayList<>();
        List<ActorSystem<Void>> systems = new ArrayList<>();
        List<ActorRef<Muaa.Command>> muaas = new ArrayList<>();
        BenchResult.Builder b = BenchResult.of(r.name()).put("store", r.name()).put("devices", n);
        try {
            for (int i = 0; i < n; i++) {
                CountingMailStore store = new CountingMailStore(RawNotify.watcher(r), true);
                stores.add(store);
                List<Keyring.PairedDevice> sibs = new ArrayList<>();
                List<String> sibIds = new ArrayList<>();
                for (int j = 0; j < n; j++) {
                    if (j == i) continue;
                    sibs.add(new Keyring.PairedDevice(ids.get(j), keys.get(j).toCertificate()));
                    sibIds.add(ids.get(j));
                }
                ActorSystem<Void> sys = DeviceSystems.start("bench-repl", store, Keyring.fixed(ids.get(i), keys.get(i), sibs), new InMemoryLocalLog(), false);
                systems.add(sys);
                // snapshots far apart: a compacted sibling reaches readers as a SiblingSnapshot (not part of this measure)
                ActorRef<Muaa.Command> m = sys.systemActorOf(Muaa.create(new Muaa.Settings(account, ids.get(i), 1_000_000), Clock.systemUTC(), sibIds), "muaa",
                        org.apache.pekko.actor.typed.Props.empty());
                muaas.add(m);
            }
            ctx.progress().println("  latency: " + w.samples() + " edits, one at a time, each until every sibling applied it");
            double[] lat = latency(systems, muaas, w.samples());
            b.percentiles("latency_ms", Stats.round(Stats.percentile(lat, 0.5)), Stats.round(Stats.percentile(lat, 0.99)));

            ctx.progress().println("  sustained: " + w.edits() + " edits spread over the devices, until all converged");
            long opsBefore = stores.stream().mapToLong(CountingMailStore::operations).sum();
            long t0 = System.nanoTime();
            int[] perDevice = sustained(systems, muaas, w);
            boolean converged = awaitConverged(systems, muaas, ids, perDevice, w.samples(), t0 + CONVERGE.toNanos());
            long dt = System.nanoTime() - t0;
            long ops = stores.stream().mapToLong(CountingMailStore::operations).sum() - opsBefore;
            b.put("edits_per_s", Stats.round(Stats.perSecond(w.edits(), dt)));
            b.put("converged", converged);
            b.put("imap_ops_per_edit", Stats.round((double) ops / w.edits()));

            ctx.progress().println("  raw notify: " + w.samples() + " appends seen by another connection's watch");
            try (MailStore watcher = RawNotify.watcher(r)) {
                double[] raw = RawNotify.measure(r.store(), watcher, w.samples());
                b.percentiles("raw_notify_ms", Stats.round(Stats.percentile(raw, 0.5)), Stats.round(Stats.percentile(raw, 0.99)));
            }
            b.put("wake_mode", r.settings().isPresent() ? "poll-10ms" : "memory");
        } finally {
            for (ActorSystem<Void> s : systems) DeviceSystems.stop(s);
            for (CountingMailStore s : stores) s.close();
        }
        return b.build();
    }

    /** Each sample: device {@code k mod n} sets key {@code lat-k}; time until every other device's state holds it. */
    private static double[] latency(List<ActorSystem<Void>> systems, List<ActorRef<Muaa.Command>> muaas, int samples) throws Exception {
        int n = muaas.size();
        double[] ms = new double[samples];
        for (int k = 0; k < samples + 2; k++) {
            int writer = k % n;
            String key = "lat-" + k;
            long t0 = System.nanoTime();
            ask(systems.get(writer), muaas.get(writer), (ActorRef<StatusReply<AccountEvent>> to) -> new Muaa.ChangeSetting(key, "v", to));
            for (int i = 0; i < n; i++) {
                if (i == writer) continue;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (state(systems.get(i), muaas.get(i)).settings().get(key) == null) {
                    if (System.nanoTime() > deadline) throw new IllegalStateException("device " + i + " did not apply " + key + " within 30 s");
                    Thread.sleep(0, 200_000);
                }
            }
            if (k >= 2) ms[k - 2] = (System.nanoTime() - t0) / 1e6; // two warm-up edits
        }
        return ms;
    }

    /** Sends {@code edits} setting changes round-robin, at most {@code inFlight} unanswered per device; returns edits per device. */
    private static int[] sustained(List<ActorSystem<Void>> systems, List<ActorRef<Muaa.Command>> muaas, Workload w) throws Exception {
        int n = muaas.size();
        int[] perDevice = new int[n];
        List<List<CompletableFuture<StatusReply<AccountEvent>>>> pending = new ArrayList<>();
        for (int i = 0; i < n; i++) pending.add(new ArrayList<>());
        for (int e = 0; e < w.edits(); e++) {
            int d = e % n;
            List<CompletableFuture<StatusReply<AccountEvent>>> p = pending.get(d);
            if (p.size() >= w.inFlight()) {
                for (CompletableFuture<StatusReply<AccountEvent>> f : p) requireSuccess(f.get(ASK.toSeconds(), TimeUnit.SECONDS));
                p.clear();
            }
            String key = "k" + (e % 97);
            String value = "d" + d + "-" + e;
            p.add(AskPattern.<Muaa.Command, StatusReply<AccountEvent>>ask(muaas.get(d), to -> new Muaa.ChangeSetting(key, value, to),
                    ASK, systems.get(d).scheduler()).toCompletableFuture());
            perDevice[d]++;
        }
        for (List<CompletableFuture<StatusReply<AccountEvent>>> p : pending) {
            for (CompletableFuture<StatusReply<AccountEvent>> f : p) requireSuccess(f.get(ASK.toSeconds(), TimeUnit.SECONDS));
        }
        return perDevice;
    }

    /** True once every device holds every device's edits (latency phase included) and all digests are equal. */
    private static boolean awaitConverged(List<ActorSystem<Void>> systems, List<ActorRef<Muaa.Command>> muaas, List<String> ids,
                                          int[] perDevice, int samples, long deadlineNanos) throws Exception {
        int n = muaas.size();
        KinboxCodec codec = new KinboxCodec();
        while (System.nanoTime() < deadlineNanos) {
            boolean all = true;
            byte[] first = null;
            for (int i = 0; i < n && all; i++) {
                AccountState s = state(systems.get(i), muaas.get(i));
                for (int d = 0; d < n && all; d++) {
                    long latencyEdits = (samples + 2) / n + ((samples + 2) % n > d ? 1 : 0);
                    all = s.context().contiguous(ids.get(d)) >= latencyEdits + perDevice[d];
                }
                byte[] digest = codec.digest(s);
                if (first == null) first = digest;
                else all &= Arrays.equals(first, digest);
            }
            if (all) return true;
            Thread.sleep(5);
        }
        return false;
    }

    private static AccountState state(ActorSystem<Void> sys, ActorRef<Muaa.Command> m) throws Exception {
        return DeviceSystems.state(sys, m);
    }

    private static <T> T ask(ActorSystem<Void> sys, ActorRef<Muaa.Command> m,
                             org.apache.pekko.japi.function.Function<ActorRef<StatusReply<T>>, Muaa.Command> make) throws Exception {
        return DeviceSystems.ask(sys, m, make);
    }

    private static <T> T requireSuccess(StatusReply<T> reply) {
        return DeviceSystems.requireSuccess(reply);
    }
}
