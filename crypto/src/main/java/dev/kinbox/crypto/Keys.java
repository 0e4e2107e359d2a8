package dev.kinbox.crypto;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.bcpg.CompressionAlgorithmTags;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.SignatureSubpacketTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.Features;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.api.OpenPGPApi;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.bouncycastle.openpgp.api.SignatureParameters;

/**
 * Autocrypt-shaped key generation with the four interop overrides of Bouncy Castle's defaults:
 * SHA-2 first in hash preferences, SEIPD v1 only in features, key flags also on the user-ID
 * binding signature, and no primary key expiry unless asked for.
 */
final class Keys {
    static final int[] HASH_PREFS = {HashAlgorithmTags.SHA512, HashAlgorithmTags.SHA384, HashAlgorithmTags.SHA256};
    static final int[] SYM_PREFS = {SymmetricKeyAlgorithmTags.AES_256, SymmetricKeyAlgorithmTags.AES_128};
    static final int[] ZIP_PREFS = {CompressionAlgorithmTags.UNCOMPRESSED, CompressionAlgorithmTags.ZLIB,
            CompressionAlgorithmTags.ZIP};
    static final int PRIMARY_FLAGS = KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA;

    private Keys() {}

    /** Generates a v4 Ed25519 (id 22) + X25519 (id 18) key; expirySeconds 0 means none. */
    static OpenPGPKey generate(OpenPGPApi api, String userId, Date created, long expirySeconds) throws PGPException {
        return api.generateKey(4, created, false)
                .withPrimaryKey(g -> g.generateLegacyEd25519KeyPair(), selfSig(expirySeconds))
                .addUserId(userId, selfSig(expirySeconds))
                .addEncryptionSubkey(g -> g.generateLegacyX25519KeyPair())
                .build();
    }

    /** Wraps a parameter tweak; BC's Callback has only a default method, so no lambda. */
    static SignatureParameters.Callback callback(java.util.function.UnaryOperator<SignatureParameters> f) {
        return new SignatureParameters.Callback() {
            @Override
            public SignatureParameters apply(SignatureParameters p) {
                return f.apply(p);
            }
        };
    }

    private static SignatureParameters.Callback selfSig(long expirySeconds) {
        return callback(p -> p.setHashedSubpacketsFunction(s -> selfSigSubpackets(s, expirySeconds)));
    }

    /** Rewrites one self-signature's hashed area to Kinbox's interop-safe preferences. */
    private static PGPSignatureSubpacketGenerator selfSigSubpackets(PGPSignatureSubpacketGenerator s, long expirySeconds) {
        for (int t : new int[] {SignatureSubpacketTags.KEY_FLAGS, SignatureSubpacketTags.FEATURES,
                SignatureSubpacketTags.PREFERRED_HASH_ALGS, SignatureSubpacketTags.PREFERRED_SYM_ALGS,
                SignatureSubpacketTags.PREFERRED_COMP_ALGS, SignatureSubpacketTags.PREFERRED_AEAD_ALGORITHMS,
                SignatureSubpacketTags.KEY_EXPIRE_TIME}) {
            s.removePacketsOfType(t);
        }
        s.setKeyFlags(true, PRIMARY_FLAGS);
        s.setFeature(false, Features.FEATURE_MODIFICATION_DETECTION);
        s.setPreferredHashAlgorithms(false, HASH_PREFS);
        s.setPreferredSymmetricAlgorithms(false, SYM_PREFS);
        s.setPreferredCompressionAlgorithms(false, ZIP_PREFS);
        if (expirySeconds > 0) {
            s.setKeyExpirationTime(false, expirySeconds);
        }
        return s;
    }

    /** True when every self-signature of the primary key that states features includes SEIPD v2. */
    static boolean advertisesSeipdV2(OpenPGPCertificate cert) {
        PGPPublicKey primary = cert.getPrimaryKey().getPGPPublicKey();
        List<PGPSignature> sigs = new ArrayList<>();
        primary.getSignatures().forEachRemaining(sigs::add);
        boolean any = false;
        for (PGPSignature sig : sigs) {
            if (sig.getKeyID() != primary.getKeyID()) continue;
            PGPSignatureSubpacketVector h = sig.getHashedSubPackets();
            if (h == null || h.getFeatures() == null) continue;
            any = true;
            if (!h.getFeatures().supportsFeature(Features.FEATURE_SEIPD_V2)) return false;
        }
        return any;
    }

    static String fingerprint(OpenPGPCertificate cert) {
        return Hex.upper(cert.getFingerprint());
    }

    static String fingerprint(PGPPublicKey key) {
        return Hex.upper(key.getFingerprint());
    }
}
