package dev.kinbox.cli.bench;

import dev.kinbox.actors.embed.KinboxDevice;
import dev.kinbox.actors.muaa.StartOutcome;
import dev.kinbox.cli.QuietLogs;
import dev.kinbox.journal.mail.MailStores;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code kinbox bench pairing}: what a user waits for when adding a device. Each run is a fresh
 * account ({@link BenchAccount}) of two devices through the embedding API with its default timings:
 * the laptop starts (creating the account), the phone starts, and the phone pairs by short code.
 * Measures the first start, the second start and the pairing, from asking until both devices
 * recorded it, and the store operations the pairing took.
 */
final class PairingBench implements BenchTarget {
    @Override public String name() { return "pairing"; }

    @Override public String description() {
        return "adding a device with the embedding API's defaults: first start, second start, code pairing (ms), store ops per pairing";
    }

    @Override public List<BenchResult> run(BenchContext ctx) throws Exception {
        QuietLogs.apply();
        int runs = ctx.quick() ? 1 : ctx.runs();
        List<BenchResult> out = new ArrayList<>();
        for (String spec : ctx.storeSpecs("pairing")) {
            BenchAccount.requireNewAccounts("pairing", spec);
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
        try (BenchAccount account = BenchAccount.open(r, "pair" + run)) {
            long t0 = System.nanoTime();
            KinboxDevice laptop = account.start("Laptop");
            long t1 = System.nanoTime();
            KinboxDevice phone = account.start("Phone");
            long t2 = System.nanoTime();
            if (!(laptop.startOutcome() instanceof StartOutcome.Bootstrapped) || !(phone.startOutcome() instanceof StartOutcome.AwaitingPairing)) {
                throw new IllegalStateException("unexpected starts: " + laptop.startOutcome() + ", " + phone.startOutcome());
            }
            long opsBefore = account.operations();
            long p0 = System.nanoTime();
            account.pair(laptop, phone);
            long p1 = System.nanoTime();
            return new double[] {(t1 - t0) / 1e6, (t2 - t1) / 1e6, (p1 - p0) / 1e6, account.operations() - opsBefore};
        }
    }
}
