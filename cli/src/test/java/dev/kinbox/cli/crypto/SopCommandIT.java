package dev.kinbox.cli.crypto;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kinbox sop} verbs end to end, in-process, with files as SOP's indirect arguments. */
class SopCommandIT {
    static final byte[] TEXT = "hello through sop\n".getBytes(StandardCharsets.UTF_8);

    @TempDir Path dir;

    Path file(String name, byte[] data) throws Exception {
        return Files.write(dir.resolve(name), data);
    }

    Path key(String name, String uid) throws Exception {
        Cli.Run r = Cli.run(null, "sop", "generate-key", uid);
        assertEquals(0, r.exit(), r.err());
        return file(name + ".key", r.out());
    }

    Path cert(String name, Path key) throws Exception {
        Cli.Run r = Cli.run(Files.readAllBytes(key), "sop", "extract-cert");
        assertEquals(0, r.exit(), r.err());
        return file(name + ".cert", r.out());
    }

    @Test
    void version_printsName() {
        Cli.Run r = Cli.run(null, "sop", "version");
        assertEquals(0, r.exit());
        assertTrue(r.text().startsWith("kinbox "), r.text());
    }

    @Test
    void encryptSignDecryptVerify_roundTrip_withSessionKeyOutAndReuse() throws Exception {
        Path alice = key("alice", "<alice@kin.example>"), bob = key("bob", "<bob@kin.example>");
        Path aliceCert = cert("alice", alice), bobCert = cert("bob", bob);
        Cli.Run enc = Cli.run(TEXT, "sop", "encrypt", "--sign-with", alice.toString(), bobCert.toString());
        assertEquals(0, enc.exit(), enc.err());
        assertTrue(enc.text().startsWith("-----BEGIN PGP MESSAGE-----"));

        Path sk = dir.resolve("sk"), ver = dir.resolve("ver");
        Cli.Run dec = Cli.run(enc.out(), "sop", "decrypt", "--session-key-out", sk.toString(), "--verify-with",
                aliceCert.toString(), "--verifications-out", ver.toString(), bob.toString());
        assertEquals(0, dec.exit(), dec.err());
        assertArrayEquals(TEXT, dec.out());
        String v = Files.readString(ver);
        assertTrue(v.matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\S+Z [0-9A-F]{40} [0-9A-F]{40} mode:binary\n"), v);

        Cli.Run again = Cli.run(enc.out(), "sop", "decrypt", "--with-session-key", sk.toString());
        assertEquals(0, again.exit(), again.err());
        assertArrayEquals(TEXT, again.out());

        // output files must not be overwritten: OUTPUT_EXISTS
        assertEquals(59, Cli.run(enc.out(), "sop", "decrypt", "--session-key-out", sk.toString(), bob.toString()).exit());
        // not for this key: CANNOT_DECRYPT
        assertEquals(29, Cli.run(enc.out(), "sop", "decrypt", alice.toString()).exit());
    }

    @Test
    void passwordEncryption_roundTrips_wrongPasswordCannotDecrypt() throws Exception {
        Path pw = file("pw", "correct horse\n".getBytes()), bad = file("bad", "wrong".getBytes());
        Cli.Run enc = Cli.run(TEXT, "sop", "encrypt", "--with-password", pw.toString());
        assertEquals(0, enc.exit(), enc.err());
        Cli.Run dec = Cli.run(enc.out(), "sop", "decrypt", "--with-password", pw.toString());
        assertEquals(0, dec.exit(), dec.err());
        assertArrayEquals(TEXT, dec.out());
        assertEquals(29, Cli.run(enc.out(), "sop", "decrypt", "--with-password", bad.toString()).exit());
    }

    @Test
    void signVerify_detached_exit3ForWrongCert() throws Exception {
        Path alice = key("alice", "<alice@kin.example>"), bob = key("bob", "<bob@kin.example>");
        Cli.Run sig = Cli.run(TEXT, "sop", "sign", alice.toString());
        assertEquals(0, sig.exit(), sig.err());
        Path s = file("sig", sig.out());
        Cli.Run ok = Cli.run(TEXT, "sop", "verify", s.toString(), cert("alice", alice).toString());
        assertEquals(0, ok.exit(), ok.err());
        assertEquals(3, Cli.run(TEXT, "sop", "verify", s.toString(), cert("bob", bob).toString()).exit());
        assertEquals(3, Cli.run("tampered".getBytes(), "sop", "verify", s.toString(), dir.resolve("alice.cert").toString()).exit());
    }

    @Test
    void armorDearmor_roundTrip_andBadInputCodes() throws Exception {
        Path alice = key("alice", "<alice@kin.example>");
        Cli.Run bin = Cli.run(Files.readAllBytes(alice), "sop", "dearmor");
        assertEquals(0, bin.exit());
        assertNotEquals('-', bin.out()[0]);
        Cli.Run arm = Cli.run(bin.out(), "sop", "armor");
        assertEquals(0, arm.exit());
        assertTrue(arm.text().startsWith("-----BEGIN PGP PRIVATE KEY BLOCK-----"), arm.text());
        assertEquals(41, Cli.run("junk".getBytes(), "sop", "extract-cert").exit());
        assertEquals(61, Cli.run(TEXT, "sop", "sign", dir.resolve("missing.key").toString()).exit());
        assertEquals(37, Cli.run(null, "sop", "generate-key", "--with-key-password", "x", "<a@b>").exit());
        assertEquals(37, Cli.run(null, "sop", "generate-key", "--no-such-option").exit());
        assertEquals(69, Cli.run(null, "sop", "no-such-verb").exit());
        assertEquals(19, Cli.run(TEXT, "sop", "sign").exit());
        assertEquals(19, Cli.run(TEXT, "sop", "verify", "only-one-arg").exit());
    }

    @Test
    void interop_sqopEncryptsToOurCert_kinboxSopDecrypts() throws Exception {
        boolean have = Files.isExecutable(Path.of("/usr/bin/sqop")) || which("sqop");
        if (!have) System.err.println("skipped: sqop not installed");
        Assumptions.assumeTrue(have, "skipped: sqop not installed");
        Path bob = key("bob", "<bob@kin.example>");
        Path bobCert = cert("bob", bob);
        Process p = new ProcessBuilder("sqop", "encrypt", bobCert.toString()).start();
        p.getOutputStream().write(TEXT);
        p.getOutputStream().close();
        byte[] ct = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        Cli.Run dec = Cli.run(ct, "sop", "decrypt", bob.toString());
        assertEquals(0, dec.exit(), dec.err());
        assertArrayEquals(TEXT, dec.out());
    }

    static boolean which(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) return true;
        }
        return false;
    }
}
