package dev.kinbox.cli.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.kinbox.journal.mail.servers.DovecotServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The README's two-terminal walk-through, in one JVM against GreenMail and Dovecot: the laptop initialises the
 * account and runs `start`; the phone initialises (waits to be paired) and runs `pair`, typing the
 * code the laptop's terminal shows; both then list each other as paired; the laptop removes the phone.
 */
class DeviceCliIT {
    @TempDir Path tmp;
    private Map<String, String> env = Map.of("KINBOX_IMAP_PASSWORD", "dana-pw");

    /** One terminal: the command's output, line by line. */
    static final class Terminal {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final StringBuilder all = new StringBuilder();
        final PrintStream out = new PrintStream(new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override public synchronized void write(int b) {
                if (b == '\n') {
                    String l = line.toString(StandardCharsets.UTF_8);
                    line.reset();
                    lines.add(l);
                    synchronized (all) {
                        all.append(l).append('\n');
                    }
                } else {
                    line.write(b);
                }
            }
        }, true, StandardCharsets.UTF_8);

        String text() {
            synchronized (all) {
                return all.toString();
            }
        }

        String await(Pattern p) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline) {
                String l = lines.poll(200, TimeUnit.MILLISECONDS);
                if (l == null) continue;
                Matcher m = p.matcher(l);
                if (m.find()) return m.groupCount() > 0 ? m.group(1) : l;
            }
            throw new AssertionError("never printed " + p + "; output was:\n" + text());
        }
    }

    int run(Terminal t, java.io.InputStream in, CompletableFuture<Void> stop, String... args) {
        return new CommandLine(new DeviceCommand(env, t.out, in, stop)).execute(args);
    }

    @Test void twoTerminals_pairTwoDevicesOfOneAccount_thenOneRemovesTheOther_onGreenMail() throws Exception {
        ServerSetup imap = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort();
        GreenMail mail = new GreenMail(imap);
        mail.start();
        try {
            mail.setUser("dana@example.org", "dana", "dana-pw");
            walkThrough("imap://dana@127.0.0.1:" + mail.getImap().getPort());
        } finally {
            mail.stop();
        }
    }

    @Test void twoTerminals_pairTwoDevicesOfOneAccount_thenOneRemovesTheOther_onDovecot() throws Exception {
        boolean installed = DovecotServer.isInstalled();
        if (!installed) System.err.println("skipped: dovecot not installed");
        Assumptions.assumeTrue(installed, "skipped: dovecot not installed");
        try (DovecotServer dovecot = DovecotServer.start(new java.security.SecureRandom())) {
            var account = dovecot.addUser("dana");
            env = Map.of("KINBOX_IMAP_PASSWORD", dev.kinbox.journal.mail.TestSecrets.reveal(account.password()));
            walkThrough("imap://dana@127.0.0.1:" + dovecot.port());
        }
    }

    @Test void aServerWithASelfSignedCertificate_isRefusedUntrusted_andAcceptedWithImapTrust() throws Exception {
        boolean installed = DovecotServer.isInstalled();
        if (!installed) System.err.println("skipped: dovecot not installed");
        Assumptions.assumeTrue(installed, "skipped: dovecot not installed");
        var random = new java.security.SecureRandom();
        var certificate = dev.kinbox.journal.mail.servers.ThrowawayCertificate.forLoopback(random);
        try (DovecotServer dovecot = DovecotServer.startWithTls(random, certificate, true)) {
            var account = dovecot.addUser("dana");
            env = Map.of("KINBOX_IMAP_PASSWORD", dev.kinbox.journal.mail.TestSecrets.reveal(account.password()));
            String url = "imap://dana@127.0.0.1:" + dovecot.tlsPort() + "?tls=tls";
            Path pem = tmp.resolve("server.pem");
            certificate.writePem(pem, tmp.resolve("server.key"));
            java.io.InputStream noInput = java.io.InputStream.nullInputStream();

            Terminal untrusted = new Terminal();
            assertEquals(DeviceCommand.FAILED, run(untrusted, noInput, new CompletableFuture<>(),
                    "init", "--imap", url, "--account", "dana@example.org", "--state", tmp.resolve("a").toString()), untrusted.text());
            assertTrue(untrusted.text().toLowerCase(java.util.Locale.ROOT).contains("not trusted"), untrusted.text());

            Terminal trusted = new Terminal();
            assertEquals(0, run(trusted, noInput, new CompletableFuture<>(), "init", "--imap", url, "--imap-trust", pem.toString(),
                    "--account", "dana@example.org", "--state", tmp.resolve("b").toString()), trusted.text());
            trusted.await(Pattern.compile("device ([0-9a-f]{16}) bootstrapped account dana@example.org"));

            Terminal plain = new Terminal();
            assertEquals(DeviceCommand.FAILED, run(plain, noInput, new CompletableFuture<>(), "init", "--imap",
                    "imap://dana@127.0.0.1:" + dovecot.port(), "--imap-trust", pem.toString(), "--state", tmp.resolve("c").toString()));
            assertTrue(plain.text().contains("needs tls=starttls or tls"), plain.text());
        }
    }

    /** The README's walk-through against the server at {@code url}, account dana@example.org. */
    private void walkThrough(String url) throws Exception {
        {
            String[] laptop = {"--imap", url, "--account", "dana@example.org", "--state", tmp.resolve("laptop").toString(), "--name", "Laptop"};
            String[] phone = {"--imap", url, "--account", "dana@example.org", "--state", tmp.resolve("phone").toString(), "--name", "Phone"};
            java.io.InputStream noInput = java.io.InputStream.nullInputStream();

            Terminal t1 = new Terminal();
            assertEquals(0, run(t1, noInput, new CompletableFuture<>(), concat("init", laptop)), t1.text());
            String laptopId = t1.await(Pattern.compile("device ([0-9a-f]{16}) bootstrapped account dana@example.org"));

            Terminal t2 = new Terminal();
            assertEquals(0, run(t2, noInput, new CompletableFuture<>(), concat("init", phone)), t2.text());
            String phoneId = t2.await(Pattern.compile("device ([0-9a-f]{16}) announced itself"));
            assertTrue(t2.text().contains(laptopId + " (Laptop)"), "the phone lists the laptop to pair with: " + t2.text());

            Terminal started = new Terminal();
            CompletableFuture<Void> ctrlC = new CompletableFuture<>();
            CompletableFuture<Integer> running = CompletableFuture.supplyAsync(() -> run(started, noInput, ctrlC, concat("start", laptop)));
            started.await(Pattern.compile("running; Ctrl-C stops the device"));

            PipedOutputStream keyboard = new PipedOutputStream();
            PipedInputStream phoneStdin = new PipedInputStream(keyboard);
            Terminal pairing = new Terminal();
            CompletableFuture<Integer> pair = CompletableFuture.supplyAsync(
                    () -> run(pairing, phoneStdin, new CompletableFuture<>(), concat("pair", phone, "--with", laptopId)));
            pairing.await(Pattern.compile("type the code it shows"));
            String code = started.await(Pattern.compile("type this code on that device: ([0-9]+)"));
            type(keyboard, code + "\n");
            assertEquals(0, pair.get(120, TimeUnit.SECONDS), pairing.text());
            assertTrue(pairing.text().contains("paired with " + laptopId), pairing.text());
            started.await(Pattern.compile("device " + phoneId + " \\(Phone\\) is paired"));

            ctrlC.complete(null);
            assertEquals(0, running.get(60, TimeUnit.SECONDS), started.text());

            Terminal list = new Terminal();
            assertEquals(0, run(list, noInput, new CompletableFuture<>(), concat("devices", phone)), list.text());
            assertTrue(list.text().matches("(?s).*" + laptopId + "\\s+Laptop\\s+PAIRED.*"), list.text());
            assertTrue(list.text().contains("(this device)"), list.text());

            Terminal removal = new Terminal();
            assertEquals(0, run(removal, noInput, new CompletableFuture<>(), concat("remove", laptop, phoneId)), removal.text());
            Terminal after = new Terminal();
            assertEquals(0, run(after, noInput, new CompletableFuture<>(), concat("devices", laptop)), after.text());
            assertTrue(after.text().matches("(?s).*" + phoneId + "\\s+Phone\\s+RETIRED.*"), removal.text() + "\n---\n" + after.text() + "\n---\n" + list.text());
        }
    }

    @Test void missingPassword_orPasswordInTheUrl_isRefusedWithAClearMessage_andNothingIsCreated() {
        Terminal t = new Terminal();
        int code = new CommandLine(new DeviceCommand(Map.of(), t.out, java.io.InputStream.nullInputStream(), new CompletableFuture<>()))
                .execute("init", "--imap", "imap://dana@127.0.0.1:1", "--state", tmp.resolve("x").toString());
        assertEquals(DeviceCommand.FAILED, code);
        assertTrue(t.text().contains("KINBOX_IMAP_PASSWORD"), t.text());
        Terminal u = new Terminal();
        assertEquals(DeviceCommand.FAILED, run(u, java.io.InputStream.nullInputStream(), new CompletableFuture<>(),
                "init", "--imap", "imap://dana:secret@127.0.0.1:1", "--state", tmp.resolve("y").toString()));
        assertTrue(u.text().contains("not in the URL"), u.text());
        assertTrue(!u.text().contains("secret"), "the password is never echoed");
        assertTrue(!tmp.resolve("x").toFile().exists() && !tmp.resolve("y").toFile().exists(), "no state directory was created");
    }

    private static void type(PipedOutputStream keyboard, String s) throws IOException {
        keyboard.write(s.getBytes(StandardCharsets.UTF_8));
        keyboard.flush();
    }

    private static String[] concat(String cmd, String[] opts, String... more) {
        String[] out = new String[1 + opts.length + more.length];
        out[0] = cmd;
        System.arraycopy(opts, 0, out, 1, opts.length);
        System.arraycopy(more, 0, out, 1 + opts.length, more.length);
        return out;
    }
}
