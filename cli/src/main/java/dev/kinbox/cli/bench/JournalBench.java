package dev.kinbox.cli.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.KinboxJournalRuntime;
import dev.kinbox.journal.KinboxJournalSetup;
import dev.kinbox.journal.Keyring;
import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.FolderEvent;
import dev.kinbox.journal.mail.ImapMailStore;
import dev.kinbox.journal.mail.ImapSettings;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStores;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.mail.Watch;
import dev.kinbox.journal.query.KinboxReadJournal;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import dev.kinbox.persistence.store.LevelDbLocalLog;
import dev.kinbox.persistence.store.LocalLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.Props;
import org.apache.pekko.persistence.AbstractPersistentActor;
import org.apache.pekko.persistence.RecoveryCompleted;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * {@code kinbox bench journal}: the Pekko journal plugins on a store. Persist throughput of a real
 * persistent actor on LevelDB (fsync on) one event per {@code persist} and 100 per {@code persistAll};
 * upload of a local backlog of 100-event batches (events/s and APPENDs/s) against the raw APPEND rate
 * of messages of the same size; replay from the local log and, into an empty log, from IMAP; and
 * propagation from a persist on device A to emission by device B's live read journal, against the
 * raw change-notification latency of the same server measured with the same watch. Throughputs are
 * medians of {@code --runs} runs; latencies percentiles over all samples.
 */
public final class JournalBench implements BenchTarget {
    private static final AtomicLong SEQ = new AtomicLong();
    private static final String PAYLOAD = "x".repeat(100);

    record Workload(int single, int batches, int uploadBatches, int samples) {
        static Workload of(boolean quick) {
            return quick ? new Workload(100, 5, 5, 10) : new Workload(2_000, 50, 50, 200);
        }
    }

    @Override public String name() { return "journal"; }

    @Override public String description() {
        return "journal plugins: persist, upload vs raw APPEND, replay local/IMAP, propagation A->B vs raw notify";
    }

    @Override public List<BenchResult> run(BenchContext ctx) throws Exception {
        List<String> specs = ctx.storeSpecs("journal");
        List<BenchResult> out = new ArrayList<>();
        Crypto crypto = Crypto.standard();
        OpenPGPKey ka = crypto.generateKey("<a@bench.invalid>");
        OpenPGPKey kb = crypto.generateKey("<b@bench.invalid>");
        for (String spec : specs) {
            ctx.progress().println("journal: starting store " + spec);
            try (MailStores.Running r = MailStores.open(spec, System.getenv())) {
                out.add(measure(r, ka, kb, Workload.of(ctx.quick()), ctx));
            }
        }
        return out;
    }

    /** The two devices' keyrings, each pairing the other. */
    private record Devices(Keyring a, Keyring b) {}

    private BenchResult measure(MailStores.Running r, OpenPGPKey ka, OpenPGPKey kb, Workload w, BenchContext ctx) throws Exception {
        String ida = Keyring.deviceIdOf(ka.toCertificate()), idb = Keyring.deviceIdOf(kb.toCertificate());
        Devices d = new Devices(Keyring.fixed(ida, ka, List.of(new Keyring.PairedDevice(idb, kb.toCertificate()))),
                Keyring.fixed(idb, kb, List.of(new Keyring.PairedDevice(ida, ka.toCertificate()))));
        MailStore store = r.store();
        int runs = ctx.runs();
        BenchResult.Builder b = BenchResult.of(r.name()).put("store", r.name());
        Path tmp = Files.createTempDirectory("kinbox-bench-journal-");
        try {
            double[] single = new double[runs], batched = new double[runs], local = new double[runs];
            for (int i = 0; i < runs; i++) {
                ctx.progress().println("  persist run " + (i + 1) + ": " + w.single() + " single, " + w.batches() + " x 100 batched, replay local");
                try (LevelDbLocalLog log = LevelDbLocalLog.open(tmp.resolve("persist" + i), LevelDbLocalLog.Settings.DEFAULT)) {
                    ActorSystem a = system(store, d.a(), log, "");
                    try {
                        single[i] = persist(a, "bench-s-" + SEQ.incrementAndGet(), w.single(), 1);
                        String pid = "bench-b-" + SEQ.incrementAndGet();
                        batched[i] = persist(a, pid, w.batches(), 100);
                        local[i] = replay(a, pid, (long) w.batches() * 100);
                    } finally {
                        terminate(a);
                    }
                }
            }
            b.put("persist_events_per_s", Stats.round(Stats.median(single)));
            b.put("persist_batched_events_per_s", Stats.round(Stats.median(batched)));

            double[] uploadEvents = new double[runs], uploadAppends = new double[runs], raw = new double[runs], imap = new double[runs];
            int size = 0;
            for (int i = 0; i < runs; i++) {
                ctx.progress().println("  upload run " + (i + 1) + ": " + w.uploadBatches() + " x 100 events; raw APPENDs; replay from IMAP");
                String pid = "bench-u-" + SEQ.incrementAndGet();
                InMemoryLocalLog log = new InMemoryLocalLog();
                MemoryMailStore offline = new MemoryMailStore();
                ActorSystem fill = system(offline, d.a(), log, "");
                try {
                    // a backlog the (then) offline store cannot take
                    persist(fill, pid, w.uploadBatches(), 100, () -> offline.faults()
                            .dropConnections(Integer.MAX_VALUE, dev.kinbox.journal.mail.MemoryFaults.DropPoint.BEFORE_APPLY));
                } finally {
                    terminate(fill);
                }
                ActorSystem a = system(store, d.a(), log, "");
                try {
                    long t0 = System.nanoTime();
                    if (!KinboxJournalRuntime.get(a).awaitUploaded(pid, Duration.ofMinutes(5))) throw new IllegalStateException("upload did not finish");
                    long dt = System.nanoTime() - t0;
                    uploadEvents[i] = Stats.perSecond((long) w.uploadBatches() * 100, dt);
                    uploadAppends[i] = Stats.perSecond(w.uploadBatches(), dt);
                } finally {
                    terminate(a);
                }
                String folder = KinboxJournalRuntime.folderOf(pid);
                List<StoredMessage> sample = store.fetch(folder, UidRange.all(), Fetch.FULL);
                size = sample.stream().mapToInt(m -> m.raw().length).max().orElse(1024);
                raw[i] = rawAppends(store, w.uploadBatches(), size);
                ActorSystem restore = system(store, d.a(), new InMemoryLocalLog(), "");
                try {
                    imap[i] = replay(restore, pid, (long) w.uploadBatches() * 100);
                } finally {
                    terminate(restore);
                }
            }
            b.put("raw_appends_per_s", Stats.round(Stats.median(raw)));
            b.put("upload_appends_per_s", Stats.round(Stats.median(uploadAppends)));
            b.put("upload_events_per_s", Stats.round(Stats.median(uploadEvents)));
            b.put("replay_local_events_per_s", Stats.round(Stats.median(local)));
            b.put("replay_imap_events_per_s", Stats.round(Stats.median(imap)));

            ctx.progress().println("  propagation A -> B and raw notify: " + w.samples() + " samples each");
            try (MailStore watcherB = RawNotify.watcher(r); MailStore rawWatcher = RawNotify.watcher(r)) {
                double[] prop = propagation(store, watcherB, d, tmp, w.samples());
                b.percentiles("propagation_ms", Stats.round(Stats.percentile(prop, 0.5)), Stats.round(Stats.percentile(prop, 0.99)));
                double[] notify = RawNotify.measure(store, rawWatcher, w.samples());
                b.percentiles("raw_notify_ms", Stats.round(Stats.percentile(notify, 0.5)), Stats.round(Stats.percentile(notify, 0.99)));
            }
            b.put("message_bytes", size);
            b.put("events_per_message", 100);
            b.put("wake_mode", r.settings().isPresent() ? "poll-10ms" : "memory");
        } finally {
            deleteTree(tmp);
        }
        return b.build();
    }

    private static ActorSystem system(MailStore store, Keyring keyring, LocalLog log, String extra) {
        Config c = ConfigFactory.parseString(extra + "\npekko.loglevel = WARNING\npekko.stdout-loglevel = WARNING\n"
                + "pekko.persistence.journal.plugin = kinbox.journal\npekko.persistence.snapshot-store.plugin = kinbox.snapshot-store\n"
                + "kinbox.runtime.upload.max-events-per-message = 100\nkinbox.runtime.upload.backoff-max = 200ms")
                .withFallback(ConfigFactory.load());
        return ActorSystem.create("bench-" + SEQ.incrementAndGet(),
                BootstrapSetup.create(c).and(KinboxJournalSetup.of(Optional.of(store), Optional.of(keyring), Optional.of(log))));
    }

    private static void terminate(ActorSystem s) throws Exception {
        s.terminate();
        s.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** Persists {@code commands} commands of {@code perCommand} events; events per second until the last is acknowledged. */
    private static double persist(ActorSystem s, String pid, int commands, int perCommand) throws Exception {
        return persist(s, pid, commands, perCommand, () -> { });
    }

    private static double persist(ActorSystem s, String pid, int commands, int perCommand, Runnable afterRecovery) throws Exception {
        CompletableFuture<Long> ready = new CompletableFuture<>();
        ActorRef actor = s.actorOf(Props.create(Writer.class, () -> new Writer(pid, ready)));
        ready.get(60, TimeUnit.SECONDS);
        afterRecovery.run();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < commands; i++) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            done.add(f);
            actor.tell(new Persist(perCommand, f), ActorRef.noSender());
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        return Stats.perSecond((long) commands * perCommand, System.nanoTime() - t0);
    }

    /** Recovers a new actor for {@code pid}; events per second of its recovery. */
    private static double replay(ActorSystem s, String pid, long expected) throws Exception {
        CompletableFuture<Long> recovered = new CompletableFuture<>();
        long t0 = System.nanoTime();
        s.actorOf(Props.create(Writer.class, () -> new Writer(pid, recovered)));
        long n = recovered.get(10, TimeUnit.MINUTES);
        long dt = System.nanoTime() - t0;
        if (n != expected) throw new IllegalStateException("replayed " + n + " events, expected " + expected);
        return Stats.perSecond(n, dt);
    }

    private static double rawAppends(MailStore s, int n, int size) {
        String f = "BenchRaw" + SEQ.incrementAndGet();
        s.createFolder(f);
        List<NewMessage> ms = new ArrayList<>();
        for (int i = 0; i < n; i++) ms.add(RawNotify.message(size));
        long t0 = System.nanoTime();
        for (NewMessage m : ms) s.append(f, m);
        double rate = Stats.perSecond(n, System.nanoTime() - t0);
        s.deleteFolder(f);
        return rate;
    }

    private static double[] propagation(MailStore storeA, MailStore storeB, Devices d, Path tmp, int samples) throws Exception {
        String pid = "sma|bench|" + d.a().deviceId();
        double[] ms = new double[samples];
        try (LevelDbLocalLog log = LevelDbLocalLog.open(tmp.resolve("prop"), LevelDbLocalLog.Settings.DEFAULT)) {
            ActorSystem a = system(storeA, d.a(), log, "");
            ActorSystem b = system(storeB, d.b(), new InMemoryLocalLog(), "kinbox.query.sweep-interval = 2s");
            try {
                CompletableFuture<Long> ready = new CompletableFuture<>();
                ActorRef writer = a.actorOf(Props.create(Writer.class, () -> new Writer(pid, ready)));
                ready.get(60, TimeUnit.SECONDS);
                ConcurrentHashMap<Long, CompletableFuture<Long>> seen = new ConcurrentHashMap<>();
                PersistenceQuery.get(b).getReadJournalFor(KinboxReadJournal.class, KinboxReadJournal.IDENTIFIER)
                        .eventsByPersistenceId(pid, 1, Long.MAX_VALUE)
                        .runWith(Sink.foreach(e -> seen.computeIfAbsent(e.sequenceNr(), k -> new CompletableFuture<>()).complete(System.nanoTime())), b)
                        .whenComplete((done, failure) -> {
                            // a live query never completes: anything else fails the waiting samples
                            Exception why = new IllegalStateException("B's live query ended", failure);
                            seen.values().forEach(f -> f.completeExceptionally(why));
                        });
                for (int i = 0; i < samples + 3; i++) {
                    long seq = i + 1;
                    CompletableFuture<Void> persisted = new CompletableFuture<>();
                    long t0 = System.nanoTime();
                    writer.tell(new Persist(1, persisted), ActorRef.noSender());
                    long t1 = seen.computeIfAbsent(seq, k -> new CompletableFuture<>()).get(30, TimeUnit.SECONDS);
                    if (i >= 3) ms[i - 3] = (t1 - t0) / 1e6; // three warm-up samples
                }
            } finally {
                terminate(a);
                terminate(b);
            }
        }
        return ms;
    }

    private static void deleteTree(Path p) {
        try (var s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        } catch (java.io.IOException e) {
            // temp files only
        }
    }

    /** A command: persist {@code events} events (one {@code persist}, or one {@code persistAll}). */
    record Persist(int events, CompletableFuture<Void> done) {}

    /** The benchmark's persistent actor: counts what it recovers, persists what it is told. */
    static final class Writer extends AbstractPersistentActor {
        private final String pid;
        private final CompletableFuture<Long> recovered;
        private long replayed;

        Writer(String pid, CompletableFuture<Long> recovered) {
            this.pid = pid;
            this.recovered = recovered;
        }

        @Override public String persistenceId() { return pid; }

        @Override public Receive createReceiveRecover() {
            return receiveBuilder().match(String.class, e -> replayed++)
                    .match(RecoveryCompleted.class, c -> recovered.complete(replayed)).build();
        }

        @Override public Receive createReceive() {
            return receiveBuilder().match(Persist.class, p -> {
                if (p.events() == 1) {
                    persist(PAYLOAD, e -> p.done().complete(null));
                } else {
                    List<String> events = new ArrayList<>(p.events());
                    for (int i = 0; i < p.events(); i++) events.add(PAYLOAD);
                    long[] left = {p.events()};
                    persistAll(events, e -> { if (--left[0] == 0) p.done().complete(null); });
                }
            }).build();
        }
    }
}
