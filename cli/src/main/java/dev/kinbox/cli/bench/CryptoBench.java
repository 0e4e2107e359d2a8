package dev.kinbox.cli.bench;

import dev.kinbox.crypto.Crypto;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * {@code kinbox bench crypto}: sign+encrypt of 1 KiB to 5 certificates, decrypt+verify of that
 * message, Autocrypt header parse, and session-key re-wrap to 100 recipients. Each figure is
 * the median ops/s of {@code --runs} timed batches after a warm-up batch.
 */
public final class CryptoBench implements BenchTarget {
    /** Batch sizes per figure: full, or tiny for {@code --quick}. */
    record Workload(int signEncrypt, int decrypt, int parse, int rewrap) {
        static Workload of(boolean quick) {
            return quick ? new Workload(10, 10, 50, 2) : new Workload(200, 200, 2000, 20);
        }
    }

    @Override public String name() { return "crypto"; }

    @Override public String description() {
        return "crypto: sign+encrypt 1 KiB to 5 certs, decrypt+verify, Autocrypt header parse, re-wrap to 100";
    }

    interface Op {
        void run() throws Exception;
    }

    @Override public List<BenchResult> run(BenchContext ctx) throws Exception {
        Crypto crypto = Crypto.standard();
        Workload w = Workload.of(ctx.quick());
        ctx.progress().println("crypto: generating 1 signer + 100 recipient keys");
        OpenPGPKey signer = crypto.generateKey("<bench@kin.example>");
        List<OpenPGPKey> keys = new ArrayList<>();
        List<OpenPGPCertificate> certs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            OpenPGPKey k = crypto.generateKey("<r" + i + "@kin.example>");
            keys.add(k);
            certs.add(k.toCertificate());
        }
        byte[] kib = new byte[1024];
        new Random(1).nextBytes(kib);
        List<OpenPGPCertificate> five = certs.subList(0, 5);
        byte[] msg = crypto.encryptAndSign(kib, five, List.of(signer), false);
        List<OpenPGPKey> reader = List.of(keys.get(0));
        List<OpenPGPCertificate> verifier = List.of(signer.toCertificate());
        String header = crypto.autocrypt().formatHeader("bench@kin.example", signer.toCertificate(), true);
        byte[] listMsg = crypto.encryptAndSign(kib, List.of(signer.toCertificate()), List.of(), false);
        List<OpenPGPKey> listKey = List.of(signer);

        BenchResult.Builder b = BenchResult.of("crypto");
        b.put("sign_encrypt_per_s", measure(ctx, "sign+encrypt 1 KiB to 5", w.signEncrypt(),
                () -> crypto.encryptAndSign(kib, five, List.of(signer), false)));
        b.put("decrypt_verify_per_s", measure(ctx, "decrypt+verify", w.decrypt(), () -> {
            if (crypto.decryptAndVerify(msg, reader, verifier).verifiedSigners().isEmpty()) {
                throw new IllegalStateException("signature did not verify");
            }
        }));
        b.put("header_parse_per_s", measure(ctx, "Autocrypt header parse", w.parse(),
                () -> crypto.autocrypt().parseHeader(header, "bench@kin.example")));
        b.put("rewrap_100_per_s", measure(ctx, "re-wrap to 100", w.rewrap(),
                () -> crypto.rewrap(listMsg, listKey, certs, false)));
        return List.of(b.build());
    }

    private static double measure(BenchContext ctx, String what, int n, Op op) throws Exception {
        ctx.progress().println("  " + what + ": " + ctx.runs() + " x " + n);
        for (int i = 0; i < Math.max(1, n / 5); i++) op.run();
        double[] rates = new double[ctx.runs()];
        for (int r = 0; r < ctx.runs(); r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) op.run();
            rates[r] = Stats.perSecond(n, System.nanoTime() - t0);
        }
        return Stats.round(Stats.median(rates));
    }
}
