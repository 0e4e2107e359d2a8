package dev.kinbox.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.bouncycastle.openpgp.api.OpenPGPKeyEditor;
import org.bouncycastle.openpgp.api.bc.BcOpenPGPImplementation;
import org.junit.jupiter.api.Test;

/** Which keys of a certificate encrypt and sign is evaluated once per certificate content, and only where time cannot change it. */
class KeySelectionTest {
    private static final byte[] TEXT = "hello".getBytes(StandardCharsets.UTF_8);

    private static Crypto fresh() {
        return new Crypto(Clock.systemUTC(), new SecureRandom());
    }

    @Test void messagesToTheSameCertificate_evaluateItsKeysOnce_andEachStillDecryptsAndVerifies() throws Exception {
        Crypto crypto = fresh();
        for (int i = 0; i < 5; i++) {
            // a new certificate object each time, as callers that re-derive it from the key do
            byte[] m = crypto.encryptAndSign(TEXT, List.of(TestKeys.BOB.toCertificate()), List.of(TestKeys.ALICE), false);
            Decrypted d = crypto.decryptAndVerify(m, List.of(TestKeys.BOB), List.of(TestKeys.ALICE.toCertificate()));
            assertEquals("hello", new String(d.plaintext(), StandardCharsets.UTF_8));
            assertEquals(List.of(Crypto.fingerprint(TestKeys.ALICE.toCertificate())), d.verifiedSigners());
        }
        assertEquals(2, crypto.keySelection().evaluations(), "one evaluation for bob's encryption keys, one for alice's signing keys");
    }

    @Test void anExpiringKey_isEvaluatedForEveryMessage() throws Exception {
        Crypto crypto = fresh();
        OpenPGPKey expiring = crypto.generateKey("<dora@kin.example>", 3600);
        for (int i = 0; i < 3; i++) crypto.encryptAndSign(TEXT, List.of(expiring.toCertificate()), List.of(), false);
        assertEquals(3, crypto.keySelection().evaluations());
        assertFalse(KeySelection.timeless(expiring.getPGPKeyRing(), new Date()));
    }

    @Test void aRevokedVersionOfAKeptCertificate_isRefused() throws Exception {
        Crypto crypto = fresh();
        OpenPGPKey key = crypto.generateKey("<erin@kin.example>");
        crypto.encryptAndSign(TEXT, List.of(key.toCertificate()), List.of(), false);
        OpenPGPKey revoked = new OpenPGPKeyEditor(key, k -> null, new BcOpenPGPImplementation()).revokeKey().done();
        OpenPGPCertificate cert = revoked.toCertificate();
        assertFalse(KeySelection.timeless(cert.getPGPKeyRing(), new Date()));
        assertThrows(CryptoException.NoMatchingKey.class, () -> crypto.encryptAndSign(TEXT, List.of(cert), List.of(), false));
        // the kept, unrevoked version still works
        crypto.encryptAndSign(TEXT, List.of(key.toCertificate()), List.of(), false);
    }

    @Test void aCertificateIsTimelessOnlyFromItsNewestPacketOn() {
        OpenPGPCertificate cert = TestKeys.CAROL.toCertificate();
        Date created = cert.getPrimaryKey().getCreationTime();
        assertTrue(KeySelection.timeless(cert.getPGPKeyRing(), new Date()));
        assertFalse(KeySelection.timeless(cert.getPGPKeyRing(), new Date(created.getTime() - 1000)));
    }
}
