package dev.kinbox.crypto;

import java.util.Collection;
import java.util.concurrent.locks.ReentrantLock;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;

/**
 * Serializes use of the same key material across threads. Bouncy Castle's {@link OpenPGPCertificate}
 * and {@code OpenPGPKey} evaluate and cache signature chains lazily in unsynchronized maps; two
 * threads using one object (or a key and its {@code toCertificate()}, which share packets) at once
 * can corrupt that cache for good - the object then reports "no usable encryption key" or "no
 * working decryption method" for every later call (measured: 8 threads sealing and opening with one
 * key pair failed in 11 of 20 rounds, up to 59 of 80 operations in a round). Every {@link Crypto}
 * operation on caller-supplied keys runs under the locks of all fingerprints involved: 1,024 striped
 * locks taken in ascending stripe order (no deadlock), so operations on different keys still run in
 * parallel and memory stays bounded however many keys exist.
 */
final class KeyLocks {
    private static final int STRIPES = 1024;
    private static final ReentrantLock[] LOCKS = new ReentrantLock[STRIPES];

    static {
        for (int i = 0; i < STRIPES; i++) LOCKS[i] = new ReentrantLock();
    }

    private KeyLocks() {}

    /** The work, producing a value or a {@link CryptoException}. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws CryptoException;
    }

    /** Runs {@code work} holding the locks of every key and certificate in {@code groups}. */
    @SafeVarargs
    static <T> T with(Work<T> work, Collection<? extends OpenPGPCertificate>... groups) throws CryptoException {
        boolean[] wanted = new boolean[STRIPES];
        for (Collection<? extends OpenPGPCertificate> g : groups) {
            if (g == null) continue;
            for (OpenPGPCertificate c : g) if (c != null) wanted[stripe(c)] = true;
        }
        int taken = 0;
        int[] held = new int[STRIPES];
        try {
            for (int i = 0; i < STRIPES; i++) {
                if (wanted[i]) {
                    LOCKS[i].lock();
                    held[taken++] = i;
                }
            }
            return work.run();
        } finally {
            for (int i = taken - 1; i >= 0; i--) LOCKS[held[i]].unlock();
        }
    }

    private static int stripe(OpenPGPCertificate c) {
        return Math.floorMod(Keys.fingerprint(c).hashCode(), STRIPES);
    }
}
