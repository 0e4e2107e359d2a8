package dev.kinbox.cli.bench;

import dev.kinbox.actors.embed.Kinbox;
import dev.kinbox.actors.embed.KinboxConfig;
import dev.kinbox.actors.embed.KinboxDevice;
import dev.kinbox.actors.muaa.PairingApprover;
import dev.kinbox.actors.muaa.StartOutcome;
import dev.kinbox.journal.mail.CountingMailStore;
import dev.kinbox.journal.mail.ImapMailStore;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStores;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.servers.LocalImapServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * {@code kinbox bench pairing}: what a user waits for when adding a device. Each run is a fresh
 * account (a new user on the server, a new mailbox in memory) and two devices through the embedding
 * API with its default timings, on their own IMAP connections and LevelDB state directories: the
 * laptop starts (creating the account), the phone starts, and the phone pairs by short code, the
 * code going straight from the laptop's screen to the phone. Measures the first start, the second
 * start and the pairing, from asking until both devices recorded it, and the store operations the
 * pairing took.
 */
final class PairingBench implements BenchTarget {
    private static final long WAIT_S = 120;

    @Override public String name() { return "pairing"; }

    @Override public String description() {
        return "adding a device with the embedding API's defaults: first start, second start, code pairing (ms), store ops per pairing";
    }

    @Override public List<BenchResult> run(BenchContext ctx) throws Exception {
        int runs = ctx.quick() ? 1 : ctx.runs();
        List<BenchResult> out = new ArrayList<>();
        for (String spec : ctx.storeSpecs("pairing")) {
            if (spec.startsWith("imap")) throw new IllegalArgumentException("pairing needs a fresh account per run: --store memory, greenmail or dovecot");
            ctx.progress().println("pairing: " + runs + " run(s) on " + spec + ", each a new account of two devices");
            try (MailStores.Running r = MailStores.open(spec, System.getenv())) {
                double[] first = new double[runs];
                double[] second = new double[runs];
                double[] pairing = new double[runs];
                double[] ops = new double[runs];
                for (int i = 0; i < runs; i++) {
                    double[] one = once(r, i);
                    first[i] = one[0];
                    second[i] = one[1];
                    pairing[i] = one[2];
                    ops[i] = one[3];
                    ctx.progress().printf("  run %d: pairing %.0f ms%n", i + 1, one[2]);
                }
                out.add(BenchResult.of(r.name()).put("store", r.name()).put("runs", runs)
                        .put("first_start_ms", Stats.round(Stats.median(first)))
                        .put("second_start_ms", Stats.round(Stats.median(second)))
                        .percentiles("pairing_ms", Stats.round(Stats.percentile(pairing, 0.5)), Stats.round(Stats.percentile(pairing, 0.99)))
                        .put("store_ops_per_pairing", Stats.round(Stats.median(ops)))
                        .build());
            }
        }
        return out;
    }

    /** One account: {first start ms, second start ms, pairing ms, store operations of both devices during the pairing}. */
    private static double[] once(MailStores.Running r, int run) throws Exception {
        Path home = Files.createTempDirectory("kinbox-bench-pairing-");
        MemoryMailStore memory = r.server().isEmpty() ? new MemoryMailStore() : null;
        LocalImapServer.Account user = r.server().map(s -> s.addUser("pair" + run)).orElse(null);
        CompletableFuture<String> shown = new CompletableFuture<>();
        try (CountingMailStore laptopStore = new CountingMailStore(mailbox(r, memory, user), true);
             CountingMailStore phoneStore = new CountingMailStore(mailbox(r, memory, user), true)) {
            long t0 = System.nanoTime();
            try (KinboxDevice laptop = get(Kinbox.start(KinboxConfig.of("bench@kinbox.invalid", home.resolve("laptop"), laptopStore)
                    .withDeviceName("Laptop").withApprover(showing(shown))))) {
                long t1 = System.nanoTime();
                try (KinboxDevice phone = get(Kinbox.start(KinboxConfig.of("bench@kinbox.invalid", home.resolve("phone"), phoneStore)
                        .withDeviceName("Phone")))) {
                    long t2 = System.nanoTime();
                    return pair(laptop, phone, laptopStore, phoneStore, shown, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
                }
            }
        } finally {
            if (memory != null) memory.close();
            try (var files = Files.walk(home)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The phone pairs with the laptop by code: {first start, second start, pairing ms, store operations during the pairing}. */
    private static double[] pair(KinboxDevice laptop, KinboxDevice phone, CountingMailStore laptopStore, CountingMailStore phoneStore,
                                 CompletableFuture<String> shown, double firstMs, double secondMs) throws Exception {
        if (!(laptop.startOutcome() instanceof StartOutcome.Bootstrapped) || !(phone.startOutcome() instanceof StartOutcome.AwaitingPairing)) {
            throw new IllegalStateException("unexpected starts: " + laptop.startOutcome() + ", " + phone.startOutcome());
        }
        long opsBefore = laptopStore.operations() + phoneStore.operations();
        long p0 = System.nanoTime();
        KinboxDevice.PairingSession session = get(phone.pair(laptop.deviceId(), PairingApprover.PairingMethod.CODE));
        get(phone.enterPairingCode(session.started().sessionId(), shown.get(WAIT_S, TimeUnit.SECONDS)));
        get(session.done());
        long p1 = System.nanoTime();
        long ops = laptopStore.operations() + phoneStore.operations() - opsBefore;
        return new double[] {firstMs, secondMs, (p1 - p0) / 1e6, ops};
    }

    /** A device's own connection to the run's account (IMAP with the default settings: IDLE where the server has it). */
    private static MailStore mailbox(MailStores.Running r, MemoryMailStore memory, LocalImapServer.Account user) {
        if (memory != null) return new CountingMailStore(memory, false);
        return ImapMailStore.connect(r.server().orElseThrow().settings(user));
    }

    /** The laptop's user: confirms every request and reads the code to the phone's user. */
    private static PairingApprover showing(CompletableFuture<String> shown) {
        return new PairingApprover() {
            @Override public CompletionStage<Optional<String>> scanQr(PairingApprover.PairingRequest request) {
                return CompletableFuture.completedFuture(Optional.empty());
            }

            @Override public CompletionStage<Boolean> showCode(PairingApprover.PairingRequest request, String code) {
                shown.complete(code);
                return CompletableFuture.completedFuture(true);
            }
        };
    }

    private static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS);
    }
}
