package dev.kinbox.crypto;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.Features;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.Test;

class KeysAndMessagesTest {
    static final Crypto CRYPTO = TestKeys.CRYPTO;

    static List<PGPSignature> selfSigs(OpenPGPCertificate c) {
        PGPPublicKey pk = c.getPrimaryKey().getPGPPublicKey();
        List<PGPSignature> out = new ArrayList<>();
        pk.getSignatures().forEachRemaining(out::add);
        return out;
    }

    @Test
    void generateKey_hasAutocryptShape_legacyIdsV4() {
        OpenPGPKey k = TestKeys.ALICE;
        assertEquals(4, k.getPrimaryKey().getVersion());
        assertEquals(PublicKeyAlgorithmTags.EDDSA_LEGACY, k.getPrimaryKey().getAlgorithm());
        assertEquals(1, k.getSubkeys().size());
        var sub = k.getSubkeys().values().iterator().next();
        assertEquals(PublicKeyAlgorithmTags.ECDH, sub.getAlgorithm());
        assertTrue(sub.isEncryptionKey());
    }

    @Test
    void generateKey_hashPreferencesStartWithSha2_onEverySelfSignature() {
        for (PGPSignature s : selfSigs(TestKeys.ALICE)) {
            int[] prefs = s.getHashedSubPackets().getPreferredHashAlgorithms();
            assertNotNull(prefs, "self-signature type " + s.getSignatureType() + " lacks hash prefs");
            assertArrayEquals(new int[] {HashAlgorithmTags.SHA512, HashAlgorithmTags.SHA384, HashAlgorithmTags.SHA256},
                    prefs);
        }
    }

    @Test
    void generateKey_advertisesSeipdV1Only() {
        for (PGPSignature s : selfSigs(TestKeys.ALICE)) {
            var f = s.getHashedSubPackets().getFeatures();
            assertTrue(f.supportsFeature(Features.FEATURE_MODIFICATION_DETECTION));
            assertFalse(f.supportsFeature(Features.FEATURE_SEIPD_V2));
        }
        assertFalse(Keys.advertisesSeipdV2(TestKeys.ALICE));
    }

    @Test
    void generateKey_keyFlagsOnDirectKeyAndUserIdBinding() {
        List<PGPSignature> sigs = selfSigs(TestKeys.ALICE);
        boolean sawUid = false, sawDirect = false;
        for (PGPSignature s : sigs) {
            assertEquals(KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA, s.getHashedSubPackets().getKeyFlags(),
                    "flags on sig type " + s.getSignatureType());
            sawUid |= s.isCertification();
            sawDirect |= s.getSignatureType() == PGPSignature.DIRECT_KEY;
        }
        assertTrue(sawUid && sawDirect);
    }

    @Test
    void generateKey_noExpiryByDefault_expiryWhenConfigured() throws Exception {
        assertNull(TestKeys.ALICE.getExpirationTime());
        for (PGPSignature s : selfSigs(TestKeys.ALICE)) assertEquals(0, s.getHashedSubPackets().getKeyExpirationTime());
        OpenPGPKey exp = CRYPTO.generateKey("<e@x.example>", 86400);
        assertNotNull(exp.getExpirationTime());
    }

    @Test
    void encryptAndSign_toSeveral_eachDecryptsAndVerifies() throws Exception {
        byte[] msg = "hello kin".getBytes(StandardCharsets.UTF_8);
        byte[] ct = CRYPTO.encryptAndSign(msg, List.of(TestKeys.BOB.toCertificate(), TestKeys.CAROL.toCertificate()),
                List.of(TestKeys.ALICE), true);
        for (OpenPGPKey k : List.of(TestKeys.BOB, TestKeys.CAROL)) {
            Decrypted d = CRYPTO.decryptAndVerify(ct, List.of(k), List.of(TestKeys.ALICE.toCertificate()));
            assertArrayEquals(msg, d.plaintext());
            assertEquals(Crypto.fingerprint(k), d.decryptedWith());
            assertEquals(List.of(Crypto.fingerprint(TestKeys.ALICE)), d.verifiedSigners());
            assertEquals(1, d.seipdVersion());
        }
    }

    @Test
    void decrypt_withoutMatchingKey_isNoMatchingKey() throws Exception {
        byte[] ct = CRYPTO.encryptAndSign(new byte[10], List.of(TestKeys.BOB.toCertificate()), List.of(), false);
        assertThrows(CryptoException.NoMatchingKey.class,
                () -> CRYPTO.decryptAndVerify(ct, List.of(TestKeys.CAROL), List.of()));
    }

    @Test
    void decrypt_signatureByUnknownKey_isReportedNotVerified() throws Exception {
        byte[] ct = CRYPTO.encryptAndSign(new byte[10], List.of(TestKeys.BOB.toCertificate()), List.of(TestKeys.CAROL), false);
        Decrypted d = CRYPTO.decryptAndVerify(ct, List.of(TestKeys.BOB), List.of(TestKeys.ALICE.toCertificate()));
        assertTrue(d.verifiedSigners().isEmpty());
        assertThrows(CryptoException.BadSignature.class, () -> Crypto.requireSigned(d, TestKeys.ALICE.toCertificate()));
    }

    @Test
    void decrypt_tamperedCiphertext_isTypedError() throws Exception {
        byte[] ct = CRYPTO.encryptAndSign(new byte[100], List.of(TestKeys.BOB.toCertificate()), List.of(TestKeys.ALICE), false);
        byte[] bad = Arrays.copyOf(ct, ct.length);
        bad[bad.length - 30] ^= 1;
        assertThrows(CryptoException.class, () -> CRYPTO.decryptAndVerify(bad, List.of(TestKeys.BOB), List.of()));
    }

    @Test
    void encrypt_toV2Recipients_usesSeipdV2_andDecrypts() throws Exception {
        // a BC-default key advertises SEIPD v2: only when all recipients do, v2 is negotiated
        OpenPGPKey v2 = CRYPTO.api().generateKey(4).withPrimaryKey(g -> g.generateLegacyEd25519KeyPair())
                .addUserId("<v2@x.example>").addEncryptionSubkey(g -> g.generateLegacyX25519KeyPair()).build();
        assertTrue(Keys.advertisesSeipdV2(v2));
        byte[] only = CRYPTO.encryptAndSign(new byte[5], List.of(v2.toCertificate()), List.of(), false);
        assertEquals(2, CRYPTO.decryptAndVerify(only, List.of(v2), List.of()).seipdVersion());
        byte[] mixed = CRYPTO.encryptAndSign(new byte[5], List.of(v2.toCertificate(), TestKeys.BOB.toCertificate()),
                List.of(), false);
        assertEquals(1, CRYPTO.decryptAndVerify(mixed, List.of(v2), List.of()).seipdVersion());
    }

    @Test
    void readKey_garbage_isMalformed() {
        assertThrows(CryptoException.Malformed.class, () -> CRYPTO.readKey("nope".getBytes()));
        assertThrows(CryptoException.Malformed.class, () -> CRYPTO.readCertificate(new byte[0]));
    }

    @Test
    void decrypt_emptyInput_isMalformedWithAPlainReason() {
        CryptoException e = assertThrows(CryptoException.Malformed.class,
                () -> CRYPTO.decryptAndVerify(new byte[0], List.of(TestKeys.BOB), List.of()));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void detachedSignature_verifiesOnlyOverSameDataWithSignersCert() throws Exception {
        byte[] data = "detached".getBytes(StandardCharsets.UTF_8);
        byte[] sig = CRYPTO.signDetached(data, List.of(TestKeys.ALICE), true);
        List<Verification> v = CRYPTO.verifyDetached(data, sig, List.of(TestKeys.ALICE.toCertificate()));
        assertEquals(1, v.size());
        assertEquals(Crypto.fingerprint(TestKeys.ALICE), v.get(0).primaryFingerprint());
        assertTrue(CRYPTO.verifyDetached("other".getBytes(), sig, List.of(TestKeys.ALICE.toCertificate())).isEmpty());
        assertTrue(CRYPTO.verifyDetached(data, sig, List.of(TestKeys.BOB.toCertificate())).isEmpty());
        assertThrows(CryptoException.Malformed.class, () -> CRYPTO.verifyDetached(data, "junk".getBytes(), List.of()));
    }

    @Test
    void decrypt_reportsSessionKey_andDecryptsWithItAlone() throws Exception {
        byte[] ct = CRYPTO.encryptAndSign("sk".getBytes(), List.of(TestKeys.BOB.toCertificate()), List.of(), false);
        Decrypted d = CRYPTO.decryptAndVerify(ct, List.of(TestKeys.BOB), List.of());
        assertTrue(d.sessionKey().matches("9:[0-9A-F]{64}"), "AES-256 session key");
        assertFalse(d.toString().contains(d.sessionKey().substring(2)));
        Decrypted again = CRYPTO.decrypt(ct, List.of(), List.of(), List.of(),
                org.bouncycastle.openpgp.PGPSessionKey.fromAsciiRepresentation(d.sessionKey()));
        assertArrayEquals("sk".getBytes(), again.plaintext());
    }

    @Test
    void decrypt_hiddenRecipient_triesEveryKeyWeHold() throws Exception {
        var g = CRYPTO.api().signAndOrEncryptMessage().setArmored(false);
        g.setPublicKeyBasedEncryptionNegotiator(Messages.negotiator(List.of(TestKeys.BOB.toCertificate())));
        g.addEncryptionCertificate(TestKeys.BOB.toCertificate(), true); // wildcard key id
        var bytes = new java.io.ByteArrayOutputStream();
        try (var os = g.open(bytes)) {
            os.write("hidden".getBytes());
        }
        byte[] ct = bytes.toByteArray();
        var pkesk = Rewrap.split(ct).pkesks().get(0);
        assertEquals(0L, pkesk.getKeyID(), "recipient key id must be the wildcard");
        Decrypted d = CRYPTO.decryptAndVerify(ct, List.of(TestKeys.ALICE, TestKeys.CAROL, TestKeys.BOB), List.of());
        assertArrayEquals("hidden".getBytes(), d.plaintext());
        assertEquals(Crypto.fingerprint(TestKeys.BOB), d.decryptedWith());
        assertThrows(CryptoException.NoMatchingKey.class,
                () -> CRYPTO.decryptAndVerify(ct, List.of(TestKeys.ALICE, TestKeys.CAROL), List.of()));
    }
}
