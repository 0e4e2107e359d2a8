package dev.kinbox.crypto;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * Fuzzing of everything that reads untrusted bytes: the Autocrypt header parser (and whole
 * mails), the armor/packet decoders (decrypt+verify, certificate reading, re-wrap) and the
 * Setup Message import. 100 000 inputs in total per run (46k headers, 10k mails, 40k packet blobs, 4k Setup Messages; a random seed each run, printed by jqwik on failure). Each input must end in a result or a
 * {@link CryptoException} within a bounded time; any other throwable fails the property.
 */
class HostileInputFuzzTest {
    static final Crypto CRYPTO = TestKeys.CRYPTO;
    static final String ADDR = "alice@kin.example";
    static final long PER_INPUT_MS = 5_000;
    static final ExecutorService RUNNER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fuzz-runner");
        t.setDaemon(true);
        return t;
    });
    static final AtomicLong INPUTS = new AtomicLong();

    static final byte[] HEADER;
    static final byte[] MAIL;
    static final byte[] ENC_ARMORED;
    static final byte[] ENC_BINARY;
    static final byte[] CERT;
    static final SetupMessage SETUP;

    static {
        try {
            HEADER = CRYPTO.autocrypt().formatHeader(ADDR, TestKeys.ALICE.toCertificate(), true).getBytes(StandardCharsets.US_ASCII);
            MAIL = ("From: " + ADDR + "\r\nTo: bob@kin.example\r\nDate: Fri, 1 May 2026 00:00:00 +0000\r\nAutocrypt: "
                    + new String(HEADER, StandardCharsets.US_ASCII) + "\r\nSubject: x\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
            ENC_ARMORED = CRYPTO.encryptAndSign("fuzz me".getBytes(), List.of(TestKeys.BOB.toCertificate()), List.of(TestKeys.ALICE), true);
            ENC_BINARY = CRYPTO.encryptAndSign("fuzz me".getBytes(), List.of(TestKeys.BOB.toCertificate()), List.of(TestKeys.ALICE), false);
            CERT = TestKeys.ALICE.toCertificate().getEncoded();
            SETUP = CRYPTO.setupMessages().create(ADDR, TestKeys.ALICE, true);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    interface Target {
        void run() throws CryptoException;
    }

    /** Runs one input with a deadline; only CryptoException may escape the target. */
    static void typedOrResult(Target t) throws Exception {
        INPUTS.incrementAndGet();
        Future<Throwable> f = RUNNER.submit(() -> {
            try {
                t.run();
                return null;
            } catch (CryptoException e) {
                return null;
            } catch (Throwable e) {
                return e;
            }
        });
        Throwable bad;
        try {
            bad = f.get(PER_INPUT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new AssertionError("input took over " + PER_INPUT_MS + " ms");
        }
        if (bad != null) throw new AssertionError("untyped " + bad, bad);
    }

    /** A seed with up to {@code maxEdits} random byte replacements, insertions or deletions. */
    static Arbitrary<byte[]> mutated(byte[] seed, int maxEdits) {
        Arbitrary<int[]> edit = Combinators.combine(Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, Integer.MAX_VALUE), Arbitraries.integers().between(0, 255))
                .as((k, pos, val) -> new int[] {k, pos, val});
        return edit.list().ofMinSize(1).ofMaxSize(maxEdits).map(edits -> {
            byte[] b = seed;
            for (int[] e : edits) {
                int pos = b.length == 0 ? 0 : e[1] % b.length;
                if (e[0] == 0 && b.length > 0) {
                    b = b.clone();
                    b[pos] = (byte) e[2];
                } else if (e[0] == 1) {
                    byte[] n = new byte[b.length + 1];
                    System.arraycopy(b, 0, n, 0, pos);
                    n[pos] = (byte) e[2];
                    System.arraycopy(b, pos, n, pos + 1, b.length - pos);
                    b = n;
                } else if (b.length > 0) {
                    byte[] n = new byte[b.length - 1];
                    System.arraycopy(b, 0, n, 0, pos);
                    System.arraycopy(b, pos + 1, n, pos, b.length - pos - 1);
                    b = n;
                }
            }
            return b;
        });
    }

    static Arbitrary<byte[]> randomBytes(int max) {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(max);
    }

    @Provide
    Arbitrary<String> headers() {
        Arbitrary<String> tokens = Arbitraries.of("addr=", ADDR, "bob@kin.example", ";", " ", "keydata=", "prefer-encrypt=",
                "mutual", "_x=", "y=", "=", "\r\n ", "AAAA", "mDMEX", "====", "\u00e9", "\u0000", "keydata=AAAA").list()
                .ofMaxSize(30).map(l -> String.join("", l));
        Arbitrary<String> mutants = mutated(HEADER, 6).map(b -> new String(b, StandardCharsets.ISO_8859_1));
        Arbitrary<String> big = Arbitraries.integers().between(10_000, 40_000)
                .map(n -> "addr=" + ADDR + "; _p=" + "x".repeat(n) + "; keydata=AAAA");
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, tokens), net.jqwik.api.Tuple.of(5, mutants),
                net.jqwik.api.Tuple.of(1, big));
    }

    @Property(tries = 46_000, generation = GenerationMode.RANDOMIZED, edgeCases = EdgeCasesMode.NONE,
            shrinking = ShrinkingMode.BOUNDED)
    void headerParser_anyInput_resultOrTypedError(@ForAll("headers") String value) throws Exception {
        typedOrResult(() -> CRYPTO.autocrypt().parseHeader(value, ADDR));
    }

    @Provide
    Arbitrary<byte[]> mails() {
        return Arbitraries.oneOf(mutated(MAIL, 8), randomBytes(600));
    }

    @Property(tries = 10_000, generation = GenerationMode.RANDOMIZED, edgeCases = EdgeCasesMode.NONE,
            shrinking = ShrinkingMode.BOUNDED)
    void mailParser_anyInput_resultOrTypedError(@ForAll("mails") byte[] mail) throws Exception {
        typedOrResult(() -> CRYPTO.autocrypt().parseMail(mail, Instant.EPOCH));
    }

    @Provide
    Arbitrary<byte[]> packets() {
        return Arbitraries.oneOf(mutated(ENC_ARMORED, 4), mutated(ENC_BINARY, 4), mutated(CERT, 4), randomBytes(400));
    }

    @Property(tries = 40_000, generation = GenerationMode.RANDOMIZED, edgeCases = EdgeCasesMode.NONE,
            shrinking = ShrinkingMode.BOUNDED)
    void armorAndPacketDecoders_anyInput_resultOrTypedError(@ForAll("packets") byte[] data) throws Exception {
        OpenPGPKey bob = TestKeys.BOB;
        OpenPGPCertificate alice = TestKeys.ALICE.toCertificate();
        typedOrResult(() -> CRYPTO.decryptAndVerify(data, List.of(bob), List.of(alice)));
        typedOrResult(() -> CRYPTO.readCertificate(data));
        typedOrResult(() -> CRYPTO.rewrap(data, List.of(bob), List.of(alice), false));
    }

    @Provide
    Arbitrary<byte[]> setupMails() {
        return Arbitraries.oneOf(mutated(SETUP.mail(), 3), randomBytes(300));
    }

    @Property(tries = 4_000, generation = GenerationMode.RANDOMIZED, edgeCases = EdgeCasesMode.NONE,
            shrinking = ShrinkingMode.BOUNDED)
    void setupMessageImport_anyInput_resultOrTypedError(@ForAll("setupMails") byte[] mail) throws Exception {
        typedOrResult(() -> CRYPTO.setupMessages().importMessage(mail, SETUP.code()));
    }

    @AfterContainer
    static void report() {
        // inputs: 46k headers + 10k mails + 40k packet blobs (3 decoders each) + 4k setup mails = 100k
        System.err.println("fuzz: " + INPUTS.get() + " target calls");
        RUNNER.shutdownNow();
    }
}
