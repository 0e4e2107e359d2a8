package dev.kinbox.crypto;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.Test;

class RewrapTest {
    static final Crypto CRYPTO = TestKeys.CRYPTO;
    static final byte[] TEXT = "list mail body".getBytes(StandardCharsets.UTF_8);

    static byte[] payload(byte[] msg) throws CryptoException {
        byte[] bin = Rewrap.binary(msg);
        return Arrays.copyOfRange(bin, Rewrap.split(bin).payloadOffset(), bin.length);
    }

    static OpenPGPKey v2Key(String uid) throws Exception {
        return CRYPTO.api().generateKey(4).withPrimaryKey(g -> g.generateLegacyEd25519KeyPair())
                .addUserId(uid).addEncryptionSubkey(g -> g.generateLegacyX25519KeyPair()).build();
    }

    @Test
    void rewrapV1_payloadByteIdentical_andEachNewRecipientDecrypts() throws Exception {
        byte[] in = CRYPTO.encryptAndSign(TEXT, List.of(TestKeys.ALICE.toCertificate()), List.of(TestKeys.CAROL), true);
        byte[] out = CRYPTO.rewrap(in, List.of(TestKeys.ALICE),
                List.of(TestKeys.BOB.toCertificate(), TestKeys.CAROL.toCertificate()), true);
        assertArrayEquals(payload(in), payload(out));
        for (OpenPGPKey k : List.of(TestKeys.BOB, TestKeys.CAROL)) {
            Decrypted d = CRYPTO.decryptAndVerify(out, List.of(k), List.of(TestKeys.CAROL.toCertificate()));
            assertArrayEquals(TEXT, d.plaintext());
            assertEquals(Crypto.fingerprint(k), d.decryptedWith());
            assertEquals(List.of(Crypto.fingerprint(TestKeys.CAROL)), d.verifiedSigners());
            assertEquals(1, d.seipdVersion());
        }
        assertThrows(CryptoException.NoMatchingKey.class, () -> CRYPTO.decryptAndVerify(out, List.of(TestKeys.ALICE), List.of()));
    }

    @Test
    void rewrapV2_payloadByteIdentical_andNewRecipientDecrypts() throws Exception {
        OpenPGPKey list = v2Key("<list@kin.example>");
        OpenPGPKey member = v2Key("<member@kin.example>");
        byte[] in = CRYPTO.encryptAndSign(TEXT, List.of(list.toCertificate()), List.of(), false);
        assertEquals(2, CRYPTO.decryptAndVerify(in, List.of(list), List.of()).seipdVersion());
        byte[] out = CRYPTO.rewrap(in, List.of(list), List.of(member.toCertificate()), false);
        assertArrayEquals(payload(in), payload(out));
        Decrypted d = CRYPTO.decryptAndVerify(out, List.of(member), List.of());
        assertArrayEquals(TEXT, d.plaintext());
        assertEquals(2, d.seipdVersion());
    }

    @Test
    void rewrap_messageNotForUs_isNoMatchingKey() throws Exception {
        byte[] in = CRYPTO.encryptAndSign(TEXT, List.of(TestKeys.BOB.toCertificate()), List.of(), false);
        assertThrows(CryptoException.NoMatchingKey.class,
                () -> CRYPTO.rewrap(in, List.of(TestKeys.ALICE), List.of(TestKeys.CAROL.toCertificate()), false));
    }

    @Test
    void rewrap_garbageOrSignedOnly_isTypedError() throws Exception {
        assertThrows(CryptoException.Malformed.class,
                () -> CRYPTO.rewrap("xyz".getBytes(), List.of(TestKeys.ALICE), List.of(TestKeys.BOB.toCertificate()), false));
        byte[] signed = CRYPTO.encryptAndSign(TEXT, List.of(), List.of(TestKeys.ALICE), false);
        assertThrows(CryptoException.class,
                () -> CRYPTO.rewrap(signed, List.of(TestKeys.ALICE), List.of(TestKeys.BOB.toCertificate()), false));
    }
}
