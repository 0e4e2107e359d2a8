package dev.kinbox.crypto;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round trips both ways with Sequoia's sqop. */
class SqopInteropIT {
    static final Crypto CRYPTO = TestKeys.CRYPTO;
    static final byte[] TEXT = "Kinbox <-> sqop interop\n".getBytes(StandardCharsets.UTF_8);

    @TempDir Path dir;

    @BeforeEach
    void needSqop() {
        Tool.require("sqop");
    }

    Path write(String name, byte[] data) throws Exception {
        return Files.write(dir.resolve(name), data);
    }

    Path write(String name, String data) throws Exception {
        return write(name, data.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void ourSignedEncryptedMessage_decryptsAndVerifiesInSqop() throws Exception {
        OpenPGPKey alice = TestKeys.ALICE, bob = TestKeys.BOB;
        byte[] ct = CRYPTO.encryptAndSign(TEXT, List.of(bob.toCertificate()), List.of(alice), true);
        Path bobKey = write("bob.key", Crypto.armor(bob));
        Path aliceCert = write("alice.cert", Crypto.armor(alice.toCertificate()));
        Path verifs = dir.resolve("verifs");
        byte[] out = Tool.ok(ct, "sqop", "decrypt", "--verify-with", aliceCert.toString(),
                "--verifications-out", verifs.toString(), bobKey.toString());
        assertArrayEquals(TEXT, out);
        String v = Files.readString(verifs);
        assertTrue(v.contains(Crypto.fingerprint(alice)), "sqop verification: " + v);
    }

    @Test
    void sqopSignedEncryptedMessage_decryptsAndVerifiesHere() throws Exception {
        byte[] theirKey = Tool.ok(null, "sqop", "generate-key", "<dave@sq.example>");
        byte[] theirCert = Tool.ok(theirKey, "sqop", "extract-cert");
        Path theirKeyFile = write("dave.key", theirKey);
        Path bobCert = write("bob.cert", Crypto.armor(TestKeys.BOB.toCertificate()));
        byte[] ct = Tool.ok(TEXT, "sqop", "encrypt", "--sign-with", theirKeyFile.toString(), bobCert.toString());
        OpenPGPCertificate dave = CRYPTO.readCertificate(theirCert);
        Decrypted d = CRYPTO.decryptAndVerify(ct, List.of(TestKeys.BOB), List.of(dave));
        assertArrayEquals(TEXT, d.plaintext());
        assertEquals(List.of(Crypto.fingerprint(dave)), d.verifiedSigners());
        assertEquals(Crypto.fingerprint(TestKeys.BOB), d.decryptedWith());
    }

    @Test
    void ourEncryptionToSqopCert_decryptsInSqop() throws Exception {
        byte[] theirKey = Tool.ok(null, "sqop", "generate-key", "<erin@sq.example>");
        OpenPGPCertificate erin = CRYPTO.readCertificate(Tool.ok(theirKey, "sqop", "extract-cert"));
        byte[] ct = CRYPTO.encryptAndSign(TEXT, List.of(erin), List.of(TestKeys.ALICE), false);
        Path k = write("erin.key", theirKey);
        assertArrayEquals(TEXT, Tool.ok(ct, "sqop", "decrypt", k.toString()));
    }

    @Test
    void ourDetachedlessInlineSignature_verifiesInSqop_andTheirsHere() throws Exception {
        // signed-only message (no encryption) both ways
        byte[] signed = CRYPTO.encryptAndSign(TEXT, List.of(), List.of(TestKeys.ALICE), true);
        Path aliceCert = write("alice.cert", Crypto.armor(TestKeys.ALICE.toCertificate()));
        assertArrayEquals(TEXT, Tool.ok(signed, "sqop", "inline-verify", aliceCert.toString()));

        byte[] theirKey = Tool.ok(null, "sqop", "generate-key", "<finn@sq.example>");
        OpenPGPCertificate finn = CRYPTO.readCertificate(Tool.ok(theirKey, "sqop", "extract-cert"));
        Path k = write("finn.key", theirKey);
        byte[] theirSigned = Tool.ok(TEXT, "sqop", "inline-sign", k.toString());
        Decrypted d = CRYPTO.decryptAndVerify(theirSigned, List.of(), List.of(finn));
        assertArrayEquals(TEXT, d.plaintext());
        assertEquals(List.of(Crypto.fingerprint(finn)), d.verifiedSigners());
    }

    @Test
    void tamperedSignature_doesNotVerifyInSqop() throws Exception {
        byte[] signed = CRYPTO.encryptAndSign(TEXT, List.of(), List.of(TestKeys.ALICE), false);
        Path otherCert = write("carol.cert", Crypto.armor(TestKeys.CAROL.toCertificate()));
        Tool.Result r = Tool.run(signed, java.util.Map.of(), "sqop", "inline-verify", otherCert.toString());
        assertNotEquals(0, r.exit(), "verifying with the wrong cert must fail");
    }

    @Test
    void ourSetupMessage_decryptsWithSqopWithPassword() throws Exception {
        SetupMessage sm = CRYPTO.setupMessages().create("alice@kin.example", TestKeys.ALICE, true);
        String mail = new String(sm.mail(), StandardCharsets.US_ASCII);
        String block = mail.substring(mail.indexOf("-----BEGIN PGP MESSAGE-----"),
                mail.indexOf("-----END PGP MESSAGE-----") + 25);
        Path pw = write("code", sm.code());
        byte[] plain = Tool.ok(block.getBytes(StandardCharsets.US_ASCII), "sqop", "decrypt", "--with-password", pw.toString());
        assertEquals(Crypto.fingerprint(TestKeys.ALICE), Crypto.fingerprint(CRYPTO.readKey(plain)));
        assertTrue(new String(plain, StandardCharsets.US_ASCII).contains("Autocrypt-Prefer-Encrypt: mutual"));
    }

    @Test
    void rewrappedV1Message_decryptsInSqop_forEachNewRecipient() throws Exception {
        byte[] in = CRYPTO.encryptAndSign(TEXT, List.of(TestKeys.ALICE.toCertificate()), List.of(TestKeys.ALICE), true);
        byte[] k1 = Tool.ok(null, "sqop", "generate-key", "<m1@sq.example>");
        byte[] k2 = Tool.ok(null, "sqop", "generate-key", "<m2@sq.example>");
        List<OpenPGPCertificate> members = List.of(CRYPTO.readCertificate(Tool.ok(k1, "sqop", "extract-cert")),
                CRYPTO.readCertificate(Tool.ok(k2, "sqop", "extract-cert")));
        byte[] out = CRYPTO.rewrap(in, List.of(TestKeys.ALICE), members, true);
        assertArrayEquals(RewrapTest.payload(in), RewrapTest.payload(out));
        Path aliceCert = write("alice.cert", Crypto.armor(TestKeys.ALICE.toCertificate()));
        int i = 0;
        for (byte[] k : List.of(k1, k2)) {
            Path kf = write("m" + (i++) + ".key", k);
            Path verifs = dir.resolve("v" + i);
            assertArrayEquals(TEXT, Tool.ok(out, "sqop", "decrypt", "--verify-with", aliceCert.toString(),
                    "--verifications-out", verifs.toString(), kf.toString()));
            assertTrue(Files.readString(verifs).contains(Crypto.fingerprint(TestKeys.ALICE)));
        }
    }
}
