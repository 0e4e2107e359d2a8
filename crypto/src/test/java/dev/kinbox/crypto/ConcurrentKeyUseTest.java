package dev.kinbox.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.Test;

/**
 * One key pair used from many threads at once, as the journal's blocking pool does (uploads sealing,
 * queries opening, all with the device's one key object). Bouncy Castle's key objects cache
 * signature-chain evaluations unsynchronized; before {@code KeyLocks} this failed in about half the
 * rounds with "no usable encryption key" / "no working decryption method", and a corrupted object
 * stayed broken for every later call.
 */
class ConcurrentKeyUseTest {
    private static final int ROUNDS = 10;
    private static final int THREADS = 8;
    private static final int OPS = 10;

    @Test void sealAndOpenWithSharedKeyObjects_fromEightThreads_neverFail() throws Exception {
        Crypto crypto = Crypto.standard();
        StringBuilder failures = new StringBuilder();
        for (int round = 0; round < ROUNDS; round++) {
            OpenPGPKey a = crypto.generateKey("<a@kinbox.invalid>");
            OpenPGPKey b = crypto.generateKey("<b@kinbox.invalid>");
            OpenPGPCertificate aCert = a.toCertificate();
            OpenPGPCertificate bCert = b.toCertificate();
            AtomicInteger failed = new AtomicInteger();
            AtomicReference<String> first = new AtomicReference<>();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            CountDownLatch go = new CountDownLatch(1);
            try {
                for (int t = 0; t < THREADS; t++) {
                    boolean openAsB = t % 2 == 0;
                    pool.submit(() -> {
                        go.await();
                        for (int i = 0; i < OPS; i++) {
                            try {
                                byte[] plain = ("event " + i).getBytes(StandardCharsets.UTF_8);
                                byte[] sealed = crypto.encryptAndSign(plain, List.of(a.toCertificate(), bCert), List.of(a), false);
                                Decrypted d = crypto.decryptAndVerify(sealed, List.of(openAsB ? b : a), List.of(aCert));
                                Crypto.requireSigned(d, aCert);
                                if (!java.util.Arrays.equals(plain, d.plaintext())) throw new AssertionError("plaintext changed");
                            } catch (Exception | AssertionError e) {
                                failed.incrementAndGet();
                                first.compareAndSet(null, e.toString());
                            }
                        }
                        return null;
                    });
                }
                go.countDown();
            } finally {
                pool.shutdown();
                assertTrue(pool.awaitTermination(120, TimeUnit.SECONDS), "round " + round + " finished");
            }
            if (failed.get() > 0) failures.append("round ").append(round).append(": ").append(failed.get()).append(" failed, first ").append(first.get()).append('\n');
        }
        assertEquals("", failures.toString(), "every concurrent seal/open succeeds");
    }
}
