package dev.kinbox.actors.muaa;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.persistence.crdt.Bytes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;

/**
 * Device certificates parsed once per byte content, for the {@link MuaaKeyring}s that share it:
 * each device of an account holds its siblings' certificates, so devices hosted in one JVM (a
 * simulator's fleet) parsed every certificate once per sibling - about 7 KB of Bouncy Castle objects
 * each, a sixth of a simulated device's heap. Sharing is safe because the journal uses these objects
 * only through {@link Crypto}, which serializes operations on a key by its fingerprint. Holds what it
 * parsed until it is dropped; a keyring made without one keeps its own. Thread-safe.
 */
public final class ParsedCertificates {
    private final Map<Bytes, OpenPGPCertificate> parsed = new ConcurrentHashMap<>();
    private final Crypto crypto;

    private ParsedCertificates(Crypto crypto) {
        this.crypto = crypto;
    }

    /** An empty set, parsing with {@code crypto}. */
    public static ParsedCertificates using(Crypto crypto) {
        return new ParsedCertificates(crypto);
    }

    /** The certificate in {@code bytes}, or null when they are not one (not remembered, so not kept). */
    OpenPGPCertificate get(Bytes bytes) {
        return parsed.computeIfAbsent(bytes, k -> {
            try {
                return crypto.readCertificate(k.toByteArray());
            } catch (CryptoException e) {
                return null;
            }
        });
    }

    /** How many distinct certificates are held. */
    int size() {
        return parsed.size();
    }
}
