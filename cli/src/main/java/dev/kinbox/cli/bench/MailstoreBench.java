package dev.kinbox.cli.bench;

import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.FolderEvent;
import dev.kinbox.journal.mail.ImapMailStore;
import dev.kinbox.journal.mail.ImapSettings;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStores;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.mail.Watch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code kinbox bench mailstore}: APPEND one per command and in batches of 100, FETCH of a
 * 10,000-message folder, change-notification latency (APPEND on a pooled connection to the watcher's
 * callback on its own connection) and folder create+select, per store. Throughputs are medians of
 * {@code --runs} runs after a warm-up; latencies are percentiles over all samples.
 */
public final class MailstoreBench implements BenchTarget {
    private static final int BATCH = 100;
    private static final long FILL_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(180);
    private static final AtomicLong SEQ = new AtomicLong();

    /** Workload sizes: full, or tiny for {@code --quick}. */
    record Workload(int singles, int batches, int fetchFolder, int notifySamples, int folders, int warmup) {
        static Workload of(boolean quick) {
            return quick ? new Workload(20, 1, 200, 10, 5, 5) : new Workload(300, 10, 10_000, 200, 50, 50);
        }
    }

    @Override public String name() { return "mailstore"; }

    @Override public String description() {
        return "MailStore: APPEND single/batch, FETCH of a 10k folder, notify latency, create+select";
    }

    @Override public List<BenchResult> run(BenchContext ctx) throws Exception {
        List<String> specs = ctx.storeSpecs("mailstore");
        List<BenchResult> out = new ArrayList<>();
        for (String spec : specs) {
            ctx.progress().println("mailstore: starting store " + spec);
            try (MailStores.Running r = MailStores.open(spec, System.getenv())) {
                out.add(measure(r, Workload.of(ctx.quick()), ctx));
            }
        }
        return out;
    }

    private BenchResult measure(MailStores.Running r, Workload w, BenchContext ctx) throws Exception {
        MailStore s = r.store();
        int runs = ctx.runs();
        BenchResult.Builder b = BenchResult.of(r.name()).put("store", r.name());

        ctx.progress().println("  append single: " + runs + " x " + w.singles());
        single(s, w.warmup());
        double[] single = new double[runs];
        for (int i = 0; i < runs; i++) single[i] = single(s, w.singles());
        b.put("append_single_per_s", Stats.round(Stats.median(single)));

        ctx.progress().println("  append batch: " + runs + " x " + w.batches() + " x " + BATCH);
        batch(s, 1);
        double[] batch = new double[runs];
        for (int i = 0; i < runs; i++) batch[i] = batch(s, w.batches());
        b.put("append_batch_per_s", Stats.round(Stats.median(batch)));

        String big = folder(s, "Fetch");
        int filled = fill(s, big, w.fetchFolder(), ctx);
        ctx.progress().println("  fetch: " + runs + " x " + filled + " messages in one UID FETCH");
        s.fetch(big, UidRange.all(), Fetch.FULL);
        double[] fetch = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            int n = s.fetch(big, UidRange.all(), Fetch.FULL).size();
            fetch[i] = Stats.perSecond(n, System.nanoTime() - t0);
            if (n != filled) throw new IllegalStateException("fetched " + n + " of " + filled + " messages");
        }
        s.deleteFolder(big);
        b.put("fetch_per_s", Stats.round(Stats.median(fetch)));

        ctx.progress().println("  notify latency: " + w.notifySamples() + " samples");
        Latency idle = notifyLatency(s, s, w.notifySamples());
        b.percentiles("notify_latency_ms", idle.p50, idle.p99);

        ctx.progress().println("  create+select: " + runs + " x " + w.folders());
        createSelect(s, Math.max(1, w.warmup() / 10));
        double[] cs = new double[runs];
        for (int i = 0; i < runs; i++) cs[i] = createSelect(s, w.folders());
        b.put("create_select_per_s", Stats.round(Stats.median(cs)));

        b.put("fetch_folder_messages", filled);
        b.put("notify_samples", idle.samples);
        b.put("notify_mode", idle.mode);
        if (r.settings().isPresent()) {
            // The faster wake-up: NOOP every 10 ms on the selected folder, on a second store.
            ImapSettings poll = r.settings().get().withWatch(ImapSettings.WatchMode.POLL, Duration.ofMillis(10));
            try (ImapMailStore watcher = ImapMailStore.connect(poll)) {
                ctx.progress().println("  notify latency, NOOP poll every 10 ms: " + w.notifySamples() + " samples");
                Latency p = notifyLatency(s, watcher, w.notifySamples());
                b.percentiles("notify_latency_poll_ms", p.p50, p.p99);
            }
        }
        return b.build();
    }

    private static double single(MailStore s, int n) {
        String f = folder(s, "Single");
        List<NewMessage> ms = batchOf(n);
        long t0 = System.nanoTime();
        for (NewMessage m : ms) s.append(f, m);
        double rate = Stats.perSecond(n, System.nanoTime() - t0);
        s.deleteFolder(f);
        return rate;
    }

    private static double batch(MailStore s, int batches) {
        String f = folder(s, "Batch");
        List<List<NewMessage>> all = new ArrayList<>();
        for (int i = 0; i < batches; i++) all.add(batchOf(BATCH));
        long t0 = System.nanoTime();
        for (List<NewMessage> one : all) s.append(f, one);
        double rate = Stats.perSecond((long) batches * BATCH, System.nanoTime() - t0);
        s.deleteFolder(f);
        return rate;
    }

    /** Fills up to {@code n} messages in batches, within a time budget (GreenMail slows as folders grow). */
    private static int fill(MailStore s, String f, int n, BenchContext ctx) {
        long end = System.nanoTime() + FILL_BUDGET_NANOS;
        int done = 0;
        while (done < n && System.nanoTime() < end) {
            int k = Math.min(BATCH, n - done);
            s.append(f, batchOf(k));
            done += k;
        }
        if (done < n) ctx.progress().println("  fetch folder: only " + done + " of " + n + " messages within the fill budget");
        return done;
    }

    private record Latency(double p50, double p99, int samples, String mode) {}

    private static Latency notifyLatency(MailStore writer, MailStore watcherStore, int samples) throws InterruptedException {
        String f = folder(writer, "Notify");
        BlockingQueue<Long> seen = new LinkedBlockingQueue<>();
        double[] ms = new double[samples];
        String mode;
        try (Watch w = watcherStore.watch(f, e -> { if (e instanceof FolderEvent.Changed) seen.add(System.nanoTime()); })) {
            mode = w.mode();
            for (int i = 0; i < 3; i++) { // warm-up
                writer.append(f, message());
                seen.poll(5, TimeUnit.SECONDS);
            }
            Thread.sleep(50);
            for (int i = 0; i < samples; i++) {
                seen.clear();
                long t0 = System.nanoTime();
                writer.append(f, message());
                Long t1 = seen.poll(10, TimeUnit.SECONDS);
                if (t1 == null) throw new IllegalStateException("watch missed an append within 10 s");
                ms[i] = (t1 - t0) / 1e6;
            }
        } finally {
            writer.deleteFolder(f);
        }
        return new Latency(Stats.round(Stats.percentile(ms, 0.50)), Stats.round(Stats.percentile(ms, 0.99)), samples, mode);
    }

    private static double createSelect(MailStore s, int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) names.add("BenchCs" + SEQ.incrementAndGet());
        long t0 = System.nanoTime();
        for (String name : names) {
            s.createFolder(name);
            s.fetch(name, UidRange.all(), Fetch.HEADERS); // SELECT (+ an empty UID FETCH)
        }
        double rate = Stats.perSecond(n, System.nanoTime() - t0);
        for (String name : names) s.deleteFolder(name);
        return rate;
    }

    private static String folder(MailStore s, String kind) {
        String f = "Bench" + kind + SEQ.incrementAndGet();
        s.createFolder(f);
        return f;
    }

    private static List<NewMessage> batchOf(int n) {
        List<NewMessage> ms = new ArrayList<>(n);
        for (int i = 0; i < n; i++) ms.add(message());
        return ms;
    }

    /** A 1 KiB message with a unique Message-ID, like a small journal entry. */
    static NewMessage message() {
        long id = SEQ.incrementAndGet();
        String head = "From: bench@kinbox.test\r\nTo: bench@kinbox.test\r\nSubject: bench\r\nMessage-ID: <b" + id
                + "." + System.nanoTime() + "@kinbox.test>\r\nAutocrypt-SMA: v=1; kind=journal; device=0123456789abcdef\r\n\r\n";
        StringBuilder sb = new StringBuilder(head);
        while (sb.length() < 1022) sb.append(sb.length() % 76 == 0 ? "\r\n" : "x");
        sb.append("\r\n");
        return NewMessage.of(sb.toString().getBytes(StandardCharsets.US_ASCII));
    }
}
