package dev.kinbox.actors.mail;

import static dev.kinbox.actors.mail.Fixtures.CLOCK;
import static dev.kinbox.actors.mail.Fixtures.CRYPTO;
import static dev.kinbox.actors.mail.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.actors.mail.Fixtures.Device;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.persistence.AccountState;
import jakarta.mail.Multipart;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Interop: an encrypted group mail from prepareOutgoing opens in sqop for each recipient, signature verified. */
class PgpMimeSqopIT {
    static final String ME = "me@kinbox.test";

    @Test
    void prepareOutgoing_encryptedGroupMail_decryptsInSqopForEachRecipient_withOurSignature(@TempDir Path dir) throws Exception {
        boolean ok = Files.isExecutable(Path.of("/usr/bin/sqop")) || onPath("sqop");
        if (!ok) System.err.println("skipped: sqop not installed");
        Assumptions.assumeTrue(ok, "skipped: sqop not installed");

        MailAutocrypt mail = new MailAutocrypt(CRYPTO, CLOCK, MailSettings.of(ME));
        Device dev = new Device("00000000000000d9");
        OpenPGPKey me = CRYPTO.generateKey("<" + ME + ">");
        OpenPGPKey bob = CRYPTO.generateKey("<bob@peer.test>");
        OpenPGPKey carol = CRYPTO.generateKey("<carol@peer.test>");
        AccountState s = Fixtures.mutual(Fixtures.withKey(AccountState.EMPTY, dev, me), dev);
        s = Fixtures.knows(Fixtures.knows(s, dev, "bob@peer.test", bob, true, NOW), dev, "carol@peer.test", carol, true, NOW);
        OutgoingDecision d = mail.prepareOutgoing(Fixtures.draft(ME, List.of("bob@peer.test", "carol@peer.test"), List.of(),
                "for sqop", NOW), s, mail.accountKeys(s), OutgoingPolicy.AUTOMATIC);
        assertTrue(d.encrypted());
        byte[] armored;
        try (InputStream in = ((Multipart) d.message().getContent()).getBodyPart(1).getInputStream()) {
            armored = in.readAllBytes();
        }
        Path cert = Files.writeString(dir.resolve("me.cert"), Crypto.armor(me.toCertificate()));
        for (OpenPGPKey reader : List.of(bob, carol)) {
            Path key = Files.writeString(dir.resolve(Crypto.fingerprint(reader) + ".key"), Crypto.armor(reader));
            Path verifications = dir.resolve(Crypto.fingerprint(reader) + ".verif");
            String inner = new String(sqop(armored, "sqop", "decrypt", "--verify-with", cert.toString(),
                    "--verifications-out", verifications.toString(), key.toString()), StandardCharsets.UTF_8);
            assertTrue(inner.contains("for sqop"), inner);
            assertEquals(2, inner.split("Autocrypt-Gossip:", -1).length - 1, inner);
            String v = Files.readString(verifications);
            assertTrue(v.toUpperCase().contains(Crypto.fingerprint(me)), "verifications: " + v);
        }
    }

    private static boolean onPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) if (Files.isExecutable(Path.of(d, name))) return true;
        return false;
    }

    private static byte[] sqop(byte[] stdin, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread pump = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // process gone; the exit code tells
            }
        });
        pump.start();
        try (OutputStream os = p.getOutputStream()) {
            os.write(stdin);
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("sqop timed out");
        }
        pump.join(5000);
        assertEquals(0, p.exitValue(), "sqop failed");
        return out.toByteArray();
    }
}
