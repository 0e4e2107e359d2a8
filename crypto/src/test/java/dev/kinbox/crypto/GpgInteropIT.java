package dev.kinbox.crypto;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Round trips both ways with GnuPG 2.2 in a throwaway GNUPGHOME per test. */
class GpgInteropIT {
    static final Crypto CRYPTO = TestKeys.CRYPTO;
    static final byte[] TEXT = "Kinbox <-> gpg interop\n".getBytes(StandardCharsets.UTF_8);

    Path home;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws Exception {
        Tool.require("gpg");
        home = Files.createTempDirectory(Path.of("/tmp"), "kgpg");
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        env = Map.of("GNUPGHOME", home.toString());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (home == null) return;
        Tool.run(null, env, "gpgconf", "--kill", "all");
        try (var s = Files.walk(home)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    byte[] gpg(byte[] in, String... args) throws Exception {
        String[] cmd = new String[args.length + 4];
        cmd[0] = "gpg";
        cmd[1] = "--batch";
        cmd[2] = "--yes";
        cmd[3] = "--trust-model=always";
        System.arraycopy(args, 0, cmd, 4, args.length);
        return Tool.ok(in, env, cmd);
    }

    void importKey(OpenPGPCertificate k) throws Exception {
        gpg(Crypto.armor(k).getBytes(StandardCharsets.UTF_8), "--import");
    }

    @Test
    void ourKey_importsIntoGpg_withSignCertifyAndEncryptCapabilities() throws Exception {
        importKey(TestKeys.ALICE.toCertificate());
        String listing = new String(gpg(null, "--with-colons", "--list-keys", Crypto.fingerprint(TestKeys.ALICE)));
        String pub = listing.lines().filter(l -> l.startsWith("pub:")).findFirst().orElseThrow();
        String[] f = pub.split(":");
        assertTrue(f[11].contains("s") && f[11].contains("c") && f[11].contains("E"), "capabilities: " + f[11]);
        assertEquals("", f[6], "no expiry");
    }

    @Test
    void ourSignedEncryptedMessage_decryptsAndVerifiesInGpg() throws Exception {
        importKey(TestKeys.ALICE.toCertificate());
        importKey(TestKeys.BOB);
        byte[] ct = CRYPTO.encryptAndSign(TEXT, List.of(TestKeys.BOB.toCertificate()), List.of(TestKeys.ALICE), true);
        Tool.Result r = Tool.run(ct, env, "gpg", "--batch", "--trust-model=always", "--status-fd", "2", "--decrypt");
        assertEquals(0, r.exit(), r.err());
        assertArrayEquals(TEXT, r.out());
        assertTrue(r.err().contains("[GNUPG:] VALIDSIG " + Crypto.fingerprint(TestKeys.ALICE)), r.err());
    }

    @Test
    void gpgSignedEncryptedMessage_decryptsAndVerifiesHere() throws Exception {
        gpg(null, "--passphrase", "", "--quick-gen-key", "<gus@gpg.example>", "ed25519", "sign", "never");
        String fpr = new String(gpg(null, "--with-colons", "--list-keys", "<gus@gpg.example>")).lines()
                .filter(l -> l.startsWith("fpr:")).findFirst().orElseThrow().split(":")[9];
        OpenPGPCertificate gus = CRYPTO.readCertificate(gpg(null, "--export", fpr));
        importKey(TestKeys.BOB.toCertificate());
        byte[] ct = gpg(TEXT, "--pinentry-mode", "loopback", "--passphrase", "", "--local-user", fpr,
                "--recipient", Crypto.fingerprint(TestKeys.BOB), "--sign", "--encrypt");
        Decrypted d = CRYPTO.decryptAndVerify(ct, List.of(TestKeys.BOB), List.of(gus));
        assertArrayEquals(TEXT, d.plaintext());
        assertEquals(List.of(fpr), d.verifiedSigners());
    }

    @Test
    void gpgHiddenRecipient_decryptsHere_byTryingEveryKey() throws Exception {
        importKey(TestKeys.BOB.toCertificate());
        byte[] ct = gpg(TEXT, "--throw-keyids", "--recipient", Crypto.fingerprint(TestKeys.BOB), "--encrypt");
        Decrypted d = CRYPTO.decryptAndVerify(ct, List.of(TestKeys.CAROL, TestKeys.BOB), List.of());
        assertArrayEquals(TEXT, d.plaintext());
        assertEquals(Crypto.fingerprint(TestKeys.BOB), d.decryptedWith());
    }

    @Test
    void ourEncryptionToGpgCert_decryptsInGpg() throws Exception {
        gpg(null, "--passphrase", "", "--quick-gen-key", "<hal@gpg.example>", "future-default", "default", "never");
        OpenPGPCertificate hal = CRYPTO.readCertificate(gpg(null, "--export", "<hal@gpg.example>"));
        byte[] ct = CRYPTO.encryptAndSign(TEXT, List.of(hal), List.of(), false);
        assertArrayEquals(TEXT, gpg(ct, "--pinentry-mode", "loopback", "--passphrase", "", "--decrypt"));
    }

    @Test
    void rewrappedV1Message_decryptsInGpg_forNewRecipient() throws Exception {
        gpg(null, "--passphrase", "", "--quick-gen-key", "<ivy@gpg.example>", "future-default", "default", "never");
        OpenPGPCertificate ivy = CRYPTO.readCertificate(gpg(null, "--export", "<ivy@gpg.example>"));
        byte[] in = CRYPTO.encryptAndSign(TEXT, List.of(TestKeys.ALICE.toCertificate()), List.of(), false);
        byte[] out = CRYPTO.rewrap(in, List.of(TestKeys.ALICE), List.of(ivy, TestKeys.BOB.toCertificate()), false);
        assertArrayEquals(RewrapTest.payload(in), RewrapTest.payload(out));
        assertArrayEquals(TEXT, gpg(out, "--pinentry-mode", "loopback", "--passphrase", "", "--decrypt"));
        // and for the other new recipient alone: drop ivy's key, give gpg bob's
        gpg(null, "--delete-secret-and-public-keys", Crypto.fingerprint(ivy));
        importKey(TestKeys.BOB);
        assertArrayEquals(TEXT, gpg(out, "--decrypt"));
    }
}
