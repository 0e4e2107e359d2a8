package dev.kinbox.crypto;

import static dev.kinbox.crypto.TestKeys.ALICE;
import static dev.kinbox.crypto.TestKeys.BOB;
import static dev.kinbox.crypto.TestKeys.CAROL;
import static dev.kinbox.crypto.TestKeys.CRYPTO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.junit.jupiter.api.Test;

class RecipientsTest {
    private static final OpenPGPCertificate A = ALICE.toCertificate(), B = BOB.toCertificate(), C = CAROL.toCertificate();

    @Test void aMessageEncryptedToAliceAndBob_isNotEncryptedToCarol_armoredOrBinary() throws Exception {
        byte[] plain = "hello".getBytes(StandardCharsets.UTF_8);
        for (boolean armor : new boolean[] {false, true}) {
            byte[] msg = CRYPTO.encryptAndSign(plain, List.of(A, B), List.of(ALICE), armor);
            List<OpenPGPCertificate> missing = Crypto.notEncryptedTo(msg, List.of(A, B, C));
            assertEquals(List.of(Crypto.fingerprint(C)), missing.stream().map(Crypto::fingerprint).toList(), "armor " + armor);
            assertEquals(List.of(), Crypto.notEncryptedTo(msg, List.of(B, A)));
        }
    }

    @Test void garbageOrASignedOnlyMessage_isMalformed() throws Exception {
        assertThrows(CryptoException.Malformed.class, () -> Crypto.notEncryptedTo("not pgp".getBytes(StandardCharsets.US_ASCII), List.of(A)));
        assertThrows(CryptoException.Malformed.class, () -> Crypto.notEncryptedTo(new byte[0], List.of(A)));
        byte[] signedOnly = CRYPTO.signDetached("x".getBytes(StandardCharsets.US_ASCII), List.of(ALICE), false);
        assertThrows(CryptoException.Malformed.class, () -> Crypto.notEncryptedTo(signedOnly, List.of(A)));
    }
}
