package dev.kinbox.cli.remailer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.actors.remailer.SmtpSettings;
import dev.kinbox.cli.Main;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.mail.servers.ThrowawayCertificate;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Every bad configuration is a typed error naming its setting, and nothing is started. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemailerConfigTest {
    @TempDir static Path base;
    private Path template;
    private int n;

    @BeforeAll void keys() throws Exception {
        template = base.resolve("template");
        Files.createDirectories(template);
        new ListFiles(template, 1, 2); // closed loopback ports: anything that connected would fail differently
    }

    private ListFiles copy() throws Exception {
        Path d = base.resolve("c" + n++);
        Files.createDirectories(d);
        try (var files = Files.list(template)) {
            for (Path p : (Iterable<Path>) files::iterator) Files.copy(p, d.resolve(p.getFileName()));
        }
        return ListFiles.existing(d);
    }

    private static RemailerConfig load(ListFiles f, Map<String, String> env) throws ConfigException {
        return RemailerConfig.load(f.conf, env, Crypto.standard());
    }

    @Test
    void goodConfig_isParsedIntoTheRecord() throws Exception {
        ListFiles f = copy();
        RemailerConfig c = load(f, Map.of());
        assertEquals(ListFiles.LIST, c.list().listAddress());
        assertEquals("INBOX", c.folder());
        assertEquals(Duration.ofMinutes(10), c.claimLease());
        assertEquals(Duration.ofMillis(500), c.pollInterval());
        assertEquals(SmtpSettings.Tls.NONE, c.smtp().tls());
        assertEquals("friends", c.imap().user());
        assertEquals(f.dir.resolve("state"), c.stateDir());
        assertFalse(c.instanceId().equals(c.adminId()));
    }

    @Test
    void readmeExample_parses() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int from = readme.indexOf("```hocon\n", readme.indexOf("## Running a remailer"));
        assertTrue(from > 0, "the README shows a list.conf");
        String example = readme.substring(from + "```hocon\n".length(), readme.indexOf("```", from + 8));
        ListFiles f = copy();
        Files.writeString(f.conf, example);
        RemailerConfig c = load(f, Map.of("LIST_SMTP_PASSWORD", "smtp-secret"));
        assertEquals("friends@example.org", c.list().listAddress());
        assertEquals(SmtpSettings.Tls.STARTTLS, c.smtp().tls());
        assertEquals("friends", c.smtp().user());
    }

    @Test
    void smtpTrustCertificateFile_givesTheSmtpSettingsTheirOwnTrust_andWithoutItTheJvmsIsUsed() throws Exception {
        ListFiles f = copy();
        assertEquals(null, load(f, Map.of()).smtp().sslContext());
        ThrowawayCertificate.forLoopback(new SecureRandom()).writePem(f.dir.resolve("relay.pem"), f.dir.resolve("relay.key"));
        f.edit(":2?tls=none\"", ":2?tls=starttls\"\n    trust-certificate-file = relay.pem");
        SmtpSettings smtp = load(f, Map.of()).smtp();
        assertEquals(SmtpSettings.Tls.STARTTLS, smtp.tls());
        assertTrue(smtp.sslContext() != null, "the PEM file's trust reached the settings"); // its use: RemailerSmtpTlsIT
    }

    @Test
    void imapTrustCertificateFile_givesTheImapSettingsTheirOwnTrust() throws Exception {
        ListFiles f = copy();
        assertEquals(null, load(f, Map.of()).imap().sslContext());
        ThrowawayCertificate.forLoopback(new SecureRandom()).writePem(f.dir.resolve("server.pem"), f.dir.resolve("server.key"));
        f.edit("imap://friends@127.0.0.1:1?tls=none\"", "imap://friends@127.0.0.1:1?tls=tls\"\n    trust-certificate-file = server.pem");
        assertTrue(load(f, Map.of()).imap().sslContext() != null, "the PEM file's trust reached the settings"); // its use: DeviceCliIT
    }

    @Test
    void passwordFromAnEnvironmentVariable_isAccepted_andAMissingVariableIsAnError() throws Exception {
        ListFiles f = copy();
        f.edit("password-file = imap.password", "password-env = LIST_IMAP_PW");
        assertEquals("friends", load(f, Map.of("LIST_IMAP_PW", "from-env")).imap().user()); // the login itself is tested in RemailerCliIT
        var e = assertThrows(ConfigException.Invalid.class, () -> load(f, Map.of()));
        assertEquals("bad setting remailer.imap.password-env: environment variable LIST_IMAP_PW is not set", e.getMessage());
    }

    @Test
    void eachBadConfig_givesItsTypedError() throws Exception {
        record Case(String from, String to, Class<? extends ConfigException> type, String message) {}
        Case[] cases = {
            new Case("  list = \"friends@kinbox.test\"\n", "", ConfigException.Missing.class, "missing setting remailer.list"),
            new Case("    url = \"imap://friends@127.0.0.1:1?tls=none\"\n", "", ConfigException.Missing.class, "missing setting remailer.imap.url"),
            new Case("imap://friends@127.0.0.1:1?tls=none", "imap:/ /nope", ConfigException.Invalid.class, "bad setting remailer.imap.url"),
            new Case("imap://friends@127.0.0.1:1?tls=none", "imap://friends@127.0.0.1:1?tls=maybe", ConfigException.Invalid.class, "tls must be none, starttls or tls"),
            new Case("smtp://127.0.0.1:2?tls=none", "smtp://mail.example.org:25?tls=none", ConfigException.Invalid.class, "plain SMTP is only allowed to a loopback host"),
            new Case("smtp://127.0.0.1:2?tls=none", "http://127.0.0.1:2", ConfigException.Invalid.class, "bad setting remailer.smtp.url"),
            new Case("smtp://127.0.0.1:2?tls=none", "smtp://list@127.0.0.1:2?tls=none", ConfigException.Missing.class, "remailer.smtp.password-env or remailer.smtp.password-file"),
            new Case("password-file = imap.password", "password-file = nowhere.txt", ConfigException.Unreadable.class, "nowhere.txt (remailer.imap.password-file): NoSuchFileException"),
            new Case("password-file = imap.password", "password = \"hunter2\"", ConfigException.Invalid.class, "passwords are never read from the config"),
            new Case("list-key-file = list.key", "list-key-file = admin.pw", ConfigException.Unreadable.class, "remailer.list-key-file"),
            new Case("list-key-file = list.key", "list-key-file = imap.password", ConfigException.Invalid.class, "is not an OpenPGP secret key"),
            new Case("admin-key-file = admin.key", "admin-key-file = instance.key", ConfigException.Invalid.class, "need their own key"),
            new Case("friends@kinbox.test", "not an address", ConfigException.Invalid.class, "bad setting remailer.list"),
            new Case("recommendation = available", "recommendation = sometimes", ConfigException.Invalid.class, "must be available or mandatory"),
            new Case("claim-lease = 10m", "claim-lease = soon", ConfigException.Invalid.class, "remailer.claim-lease: must be a duration"),
            new Case("state-dir = state", "state-dir = {}", ConfigException.Invalid.class, "remailer.state-dir: must be a string"),
            new Case("remailer {", "remailer {{", ConfigException.Unreadable.class, "(config)"),
            new Case(":2?tls=none\"", ":2?tls=none\"\n    trust-certificate-file = imap.password", ConfigException.Invalid.class,
                    "remailer.smtp.trust-certificate-file: needs tls=starttls or tls"),
            new Case(":2?tls=none\"", ":2?tls=tls\"\n    trust-certificate-file = nowhere.pem", ConfigException.Unreadable.class,
                    "nowhere.pem (remailer.smtp.trust-certificate-file): NoSuchFileException"),
            new Case(":2?tls=none\"", ":2?tls=starttls\"\n    trust-certificate-file = imap.password", ConfigException.Invalid.class,
                    "imap.password: no PEM certificate"),
            new Case("imap://friends@127.0.0.1:1?tls=none\"", "imap://friends@127.0.0.1:1?tls=none\"\n    trust-certificate-file = imap.password",
                    ConfigException.Invalid.class, "remailer.imap.trust-certificate-file: "),
            new Case("imap://friends@127.0.0.1:1?tls=none\"", "imap://friends@127.0.0.1:1?tls=tls\"\n    trust-certificate-file = imap.password",
                    ConfigException.Invalid.class, "no PEM certificate"),
            new Case("imap://friends@127.0.0.1:1?tls=none\"", "imap://friends@127.0.0.1:1?tls=tls\"\n    trust-certificate-file = nowhere.pem",
                    ConfigException.Unreadable.class, "nowhere.pem (remailer.imap.trust-certificate-file): NoSuchFileException"),
        };
        for (Case k : cases) {
            ListFiles f = copy();
            f.edit(k.from(), k.to());
            ConfigException e = assertThrows(ConfigException.class, () -> load(f, Map.of()), k.toString());
            assertInstanceOf(k.type(), e, k + " gave " + e);
            assertTrue(e.getMessage().contains(k.message()), k + " gave: " + e.getMessage());
            assertFalse(e.getMessage().contains("hunter2") || e.getMessage().contains("list-pw-1"), "no password in a message");
        }
    }

    @Test
    void badConfig_throughTheCli_exits2WithTheMessage_andStartsNothing() throws Exception {
        ListFiles f = copy();
        f.edit("password-file = imap.password", "password-file = nowhere.txt");
        for (String cmd : new String[] {"run", "roster"}) {
            Run r = cli("remailer", cmd, "--config", f.conf.toString());
            assertEquals(2, r.exit(), r.err());
            assertTrue(r.err().startsWith("kinbox remailer: cannot read " + f.dir.resolve("nowhere.txt")), r.err());
        }
        Run bad = cli("remailer", "subscribe", "--config", f.conf.toString(), "Alice <alice@example.test>");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("is not a mail address"), bad.err());
        assertFalse(Files.exists(f.dir.resolve("state")), "no writer was started");
    }

    record Run(int exit, String out, String err) {}

    static synchronized Run cli(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
