package dev.kinbox.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import org.bouncycastle.bcpg.KeyIdentifier;
import org.bouncycastle.openpgp.PGPKeyRing;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPCertificate.OpenPGPComponentKey;
import org.bouncycastle.openpgp.api.OpenPGPPolicy;
import org.bouncycastle.openpgp.api.SubkeySelector;

/**
 * Which component keys of a certificate encrypt, and which sign, remembered per certificate content.
 *
 * <p>Bouncy Castle's default selectors ({@code getEncryptionKeys()}, {@code getSigningKeys()} at the
 * current time) verify the certificate's binding self-signatures again on every message: an Ed25519
 * verification or two per recipient and per signer, about a tenth of the CPU of a simulator setup (a message
 * to 4 recipients verified 5 signatures it had verified before). A certificate whose selection cannot
 * change with time - v4 or later, nothing created after now, no key or signature expiry, no
 * revocation - gives the same answer at every later time, so that answer is kept, keyed by a SHA-256
 * of the certificate's public packets (another version of the same key, say with a revocation added,
 * is another entry). Anything else is evaluated afresh every time, as before. An answer is kept only
 * for a time at or after the one it was computed at, so a clock set back is evaluated afresh too.
 *
 * <p>Bounded: at most {@link #MAX_ENTRIES} certificates per kind; a full map starts over. Thread-safe.
 */
final class KeySelection {
    static final int MAX_ENTRIES = 1 << 18;

    private record Kept(long at, List<KeyIdentifier> keys) {}

    private final Map<String, Kept> encryption = new ConcurrentHashMap<>();
    private final Map<String, Kept> signing = new ConcurrentHashMap<>();
    private final LongAdder evaluations = new LongAdder();

    /** The encryption keys of a certificate, as {@code getEncryptionKeys()} gives them now, filtered by the policy. */
    SubkeySelector encryptionKeys() {
        return (cert, policy) -> select(encryption, cert, policy, OpenPGPCertificate::getEncryptionKeys);
    }

    /** The signing keys of a key or certificate, as {@code getSigningKeys()} gives them now, filtered by the policy. */
    SubkeySelector signingKeys() {
        return (cert, policy) -> select(signing, cert, policy, OpenPGPCertificate::getSigningKeys);
    }

    /** How many selections were evaluated by Bouncy Castle rather than taken from what was kept. */
    long evaluations() {
        return evaluations.sum();
    }

    private List<OpenPGPComponentKey> select(Map<String, Kept> kept, OpenPGPCertificate cert, OpenPGPPolicy policy,
                                             BiFunction<OpenPGPCertificate, Date, List<OpenPGPComponentKey>> evaluate) {
        Date now = new Date(); // the time Bouncy Castle's own selectors evaluate at
        String id = contentId(cert);
        Kept k = kept.get(id);
        if (k != null && now.getTime() >= k.at()) {
            List<OpenPGPComponentKey> out = resolve(cert, k.keys());
            if (out != null) return out;
        }
        evaluations.increment();
        List<OpenPGPComponentKey> out = new ArrayList<>();
        for (OpenPGPComponentKey key : evaluate.apply(cert, now)) {
            if (policy.isAcceptablePublicKey(key.getPGPPublicKey())) out.add(key);
        }
        if (!out.isEmpty() && timeless(cert.getPGPKeyRing(), now)) {
            if (kept.size() >= MAX_ENTRIES) kept.clear();
            kept.put(id, new Kept(now.getTime(), out.stream().map(OpenPGPComponentKey::getKeyIdentifier).toList()));
        }
        return out;
    }

    // The components of this certificate object with the kept identifiers; null if one is missing.
    private static List<OpenPGPComponentKey> resolve(OpenPGPCertificate cert, List<KeyIdentifier> ids) {
        List<OpenPGPComponentKey> out = new ArrayList<>(ids.size());
        for (KeyIdentifier i : ids) {
            OpenPGPComponentKey key = cert.getKey(i);
            if (key == null) return null;
            out.add(key);
        }
        return out;
    }

    /**
     * True if which keys of {@code ring} are valid cannot change after {@code at}: every key v4 or later,
     * no key or signature created after {@code at}, no revocation, no key or signature expiry.
     */
    static boolean timeless(PGPKeyRing ring, Date at) {
        for (Iterator<PGPPublicKey> keys = ring.getPublicKeys(); keys.hasNext(); ) {
            PGPPublicKey key = keys.next();
            if (key.getVersion() < 4 || key.getCreationTime().after(at)) return false;
            for (Iterator<PGPSignature> sigs = key.getSignatures(); sigs.hasNext(); ) {
                PGPSignature s = sigs.next();
                if (s.getCreationTime().after(at) || PGPSignature.isRevocation(s.getSignatureType())) return false;
                PGPSignatureSubpacketVector h = s.getHashedSubPackets();
                if (h != null && (h.getKeyExpirationTime() != 0 || h.getSignatureExpirationTime() != 0)) return false;
            }
        }
        return true;
    }

    // SHA-256 of the public packets: the same certificate content, whatever object carries it.
    private static String contentId(OpenPGPCertificate cert) {
        try {
            return Hex.upper(MessageDigest.getInstance("SHA-256").digest(cert.getPGPPublicKeyRing().getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
