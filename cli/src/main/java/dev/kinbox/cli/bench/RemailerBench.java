package dev.kinbox.cli.bench;

import dev.kinbox.actors.remailer.ListSettings;
import dev.kinbox.actors.remailer.PostOutcome;
import dev.kinbox.actors.remailer.RemailerPipeline;
import dev.kinbox.actors.remailer.Roster;
import dev.kinbox.actors.remailer.RosterEvent;
import dev.kinbox.crypto.AutocryptHeader;
import dev.kinbox.crypto.Crypto;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * {@code kinbox bench remailer}: the remailer's pure pipeline delivering one 10 KiB encrypted
 * (PGP/MIME, signed) post to 100 and to 1,000 subscribers with keys (no SMTP), in posts/s; and the
 * cost per subscriber of session-key re-wrap against a full decrypt-and-re-encrypt of the same
 * message, as a ratio (re-wrap time / re-encrypt time; below 1 means re-wrap is cheaper). Each
 * figure is the median of {@code --runs} timed batches after one warm-up batch.
 */
public final class RemailerBench implements BenchTarget {
    static final String LIST = "bench-list@kin.example";

    /** Posts per batch at 100 and 1,000 subscribers, and subscribers per batch for the ratio. */
    record Workload(int posts100, int posts1000, int ratioSubscribers) {
        static Workload of(boolean quick) {
            return quick ? new Workload(1, 1, 10) : new Workload(5, 1, 100);
        }
    }

    @Override public String name() { return "remailer"; }

    @Override public String description() {
        return "remailer: one 10 KiB encrypted post to 100 and 1,000 subscribers (pure pipeline), re-wrap vs re-encrypt";
    }

    @Override public List<BenchResult> run(BenchContext ctx) throws Exception {
        Instant now = Instant.now();
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        // keys are made a minute earlier so that they are valid at the fixed "now"
        Crypto keygen = new Crypto(Clock.fixed(now.minusSeconds(60), ZoneOffset.UTC), new SecureRandom());
        Crypto crypto = new Crypto(clock, new SecureRandom());
        Workload w = Workload.of(ctx.quick());
        ctx.progress().println("remailer: generating list, sender and 1,000 subscriber keys");
        OpenPGPKey listKey = keygen.generateKey("<" + LIST + ">");
        OpenPGPKey sender = keygen.generateKey("<s0@kin.example>");
        List<OpenPGPCertificate> certs = new ArrayList<>();
        List<byte[]> keydata = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String addr = "s" + i + "@kin.example";
            OpenPGPCertificate c = keygen.generateKey("<" + addr + ">").toCertificate();
            AutocryptHeader h = crypto.autocrypt().parseHeader(crypto.autocrypt().formatHeader(addr, c, false), addr);
            certs.add(c);
            keydata.add(h.keydata());
        }
        RemailerPipeline pipeline = new RemailerPipeline(crypto, listKey, clock);
        byte[] inner = innerEntity();
        byte[] armored = crypto.encryptAndSign(inner, List.of(listKey.toCertificate()), List.of(sender), true);
        byte[] post = pgpMime(armored, now);
        Roster r100 = roster(100, keydata, now), r1000 = roster(1000, keydata, now);

        BenchResult.Builder b = BenchResult.of("remailer");
        b.put("posts_per_s_100", measure(ctx, "post to 100", w.posts100(), () -> check(pipeline.process(r100, post), 100)));
        b.put("posts_per_s_1000", measure(ctx, "post to 1,000", w.posts1000(), () -> check(pipeline.process(r1000, post), 1000)));
        List<OpenPGPKey> listKeys = List.of(listKey);
        List<OpenPGPCertificate> verifier = List.of(sender.toCertificate());
        int n = w.ratioSubscribers();
        double rewrap = measure(ctx, "re-wrap per subscriber", n, new Op() {
            int i;
            @Override public void run() throws Exception {
                crypto.rewrap(armored, listKeys, List.of(certs.get(i++ % certs.size())), true);
            }
        });
        double reencrypt = measure(ctx, "decrypt + re-encrypt per subscriber", n, new Op() {
            int i;
            @Override public void run() throws Exception {
                byte[] plain = crypto.decryptAndVerify(armored, listKeys, verifier).plaintext();
                crypto.encryptAndSign(plain, List.of(certs.get(i++ % certs.size())), List.of(), true);
            }
        });
        b.put("rewrap_vs_reencrypt_ratio", Stats.round(reencrypt / rewrap)); // rates: time ratio = reencrypt rate / rewrap rate
        b.put("rewrap_per_s", rewrap);
        b.put("reencrypt_per_s", reencrypt);
        b.put("post_bytes", post.length);
        return List.of(b.build());
    }

    interface Op {
        void run() throws Exception;
    }

    private static void check(PostOutcome o, int expected) {
        if (!(o instanceof PostOutcome.Delivered d) || d.deliveries().size() != expected) {
            throw new IllegalStateException("expected " + expected + " deliveries, got " + o);
        }
    }

    private static Roster roster(int n, List<byte[]> keydata, Instant at) {
        ListSettings s = ListSettings.defaults(LIST).withLimits(1 << 20, 1_000_000, Duration.ofHours(1));
        List<RosterEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String addr = "s" + i + "@kin.example";
            events.add(new RosterEvent.SubscriberAdded(addr, at));
            events.add(new RosterEvent.SubscriberKeyCollected(addr, at, at, at, keydata.get(i), "bench" + i, false));
        }
        return Roster.empty(s).applyAll(events);
    }

    private static byte[] innerEntity() {
        byte[] random = new byte[7680];
        new Random(10).nextBytes(random);
        String b64 = Base64.getMimeEncoder().encodeToString(random); // 10,240 characters of text with line breaks
        return ("Content-Type: text/plain; charset=us-ascii\r\n\r\n" + b64 + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] pgpMime(byte[] armored, Instant now) {
        return ("From: s0@kin.example\r\nTo: " + LIST + "\r\nSubject: ...\r\nDate: "
                + java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(now.atOffset(ZoneOffset.UTC))
                + "\r\nMessage-ID: <bench@kin.example>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"b\"\r\n\r\n"
                + "--b\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n--b\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n"
                + new String(armored, StandardCharsets.US_ASCII).replace("\r\n", "\n").replace("\n", "\r\n")
                + "\r\n--b--\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static double measure(BenchContext ctx, String what, int n, Op op) throws Exception {
        ctx.progress().println("  " + what + ": " + ctx.runs() + " x " + n);
        op.run();
        double[] rates = new double[ctx.runs()];
        for (int r = 0; r < ctx.runs(); r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) op.run();
            rates[r] = Stats.perSecond(n, System.nanoTime() - t0);
        }
        return Stats.round(Stats.median(rates));
    }
}
