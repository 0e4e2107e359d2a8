package dev.kinbox.actors.remailer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.actors.remailer.FakeSmtpServer.Security;
import dev.kinbox.actors.remailer.RemailerException.DeliveryFailed;
import dev.kinbox.journal.mail.TlsTrust;
import dev.kinbox.journal.mail.servers.ThrowawayCertificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * SMTP over implicit TLS and required STARTTLS against a real TLS server on loopback
 * ({@link FakeSmtpServer}, certificate from {@link ThrowawayCertificate}, the one imap-journal's TLS
 * tests use): trusted delivers, untrusted or the wrong host name is refused typed with nothing sent,
 * a server without STARTTLS never sees the login, and the password is in no error and no log record.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemailerSmtpTlsIT {
    private static final String USER = "friends";
    private static final String PASSWORD = "hunter2-smtp-secret";
    /** What an AUTH PLAIN line carries, with and without an authorization id. */
    private static final List<String> SECRETS = secrets(PASSWORD);

    private ThrowawayCertificate mine;
    private ThrowawayCertificate stranger;
    private final List<String> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override public void publish(LogRecord r) {
            synchronized (logged) {
                logged.add(r.getLoggerName() + " " + r.getMessage() + " " + (r.getParameters() == null ? "" : List.of(r.getParameters())));
            }
        }
        @Override public void flush() {}
        @Override public void close() {}
    };
    private final List<Logger> watched = new ArrayList<>();

    @BeforeAll void certificates() throws Exception {
        SecureRandom random = new SecureRandom();
        mine = ThrowawayCertificate.forLoopback(random);
        stranger = ThrowawayCertificate.forLoopback(random);
    }

    /** Every record of Angus (down to its protocol trace) and of the remailer, whatever the configured levels. */
    @BeforeEach void captureLogs() {
        for (String name : new String[] {"org.eclipse.angus.mail", "jakarta.mail", "dev.kinbox.actors.remailer"}) {
            Logger l = Logger.getLogger(name);
            l.setLevel(Level.ALL);
            l.addHandler(capture);
            watched.add(l);
        }
        capture.setLevel(Level.ALL);
    }

    @AfterEach void stopCapture() {
        for (Logger l : watched) {
            l.removeHandler(capture);
            l.setLevel(null);
        }
        watched.clear();
        String all;
        synchronized (logged) {
            all = String.join("\n", logged);
        }
        assertFalse(leaks(all, SECRETS), "the password reached a log record");
    }

    private static OutgoingMail mail(String to, String text) {
        byte[] raw = ("From: friends@kinbox.test\r\nTo: " + to + "\r\nSubject: t\r\nMessage-ID: <" + text.replace(' ', '.')
                + "@kinbox.test>\r\n\r\n" + text + "\r\n").getBytes(StandardCharsets.US_ASCII);
        return new OutgoingMail(OutgoingMail.Kind.DELIVERY, "friends@kinbox.test", to, raw);
    }

    private static SmtpSettings settings(String host, FakeSmtpServer s, SmtpSettings.Tls tls, String password, SSLContext trust) {
        return new SmtpSettings(host, s.port(), tls, USER, password.toCharArray(), Duration.ofSeconds(3), Duration.ofSeconds(3)).withTrust(trust);
    }

    private static List<String> secrets(String password) {
        Base64.Encoder b64 = Base64.getEncoder();
        return List.of(password, b64.encodeToString(("\0" + USER + "\0" + password).getBytes(StandardCharsets.UTF_8)),
                b64.encodeToString((USER + "\0" + USER + "\0" + password).getBytes(StandardCharsets.UTF_8)));
    }

    private static boolean leaks(String text, List<String> secrets) {
        return secrets.stream().anyMatch(text::contains);
    }

    /** The whole cause chain, for failure messages. */
    private static String chain(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = e; c != null; c = c.getCause()) b.append("\n  ").append(c.getClass().getName()).append(": ").append(c.getMessage());
        return b.toString();
    }

    private static void assertNoSecret(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage());
            assertFalse(leaks(m, SECRETS), "password in " + c.getClass().getSimpleName() + ": " + m);
        }
    }

    /** Delivers two mails and checks they arrived with their envelope, and that the login and mail came over TLS. */
    private static void deliversOverTls(FakeSmtpServer s, SmtpSettings settings) throws Exception {
        new SmtpSender(settings).send(List.of(mail("a@example.test", "first over tls"), mail("b@example.test", "second over tls")));
        assertEquals(2, s.received.size());
        assertEquals(List.of("<a@example.test>"), s.received.get(0).to());
        assertEquals("<friends@kinbox.test>", s.received.get(1).from());
        assertTrue(new String(s.received.get(1).data(), StandardCharsets.US_ASCII).contains("second over tls"));
        List<String> verbs = s.verbs();
        assertTrue(verbs.contains("AUTH") && verbs.contains("MAIL"), verbs.toString());
        synchronized (s.lines) {
            for (FakeSmtpServer.Line l : s.lines) {
                String v = l.text().split(" ", 2)[0].toUpperCase(java.util.Locale.ROOT);
                if (List.of("AUTH", "MAIL", "RCPT", "DATA").contains(v)) assertTrue(l.tls(), v + " was sent before TLS");
            }
        }
    }

    @Test
    void implicitTls_withTheServersCertificateTrusted_deliversTheBatch_loginAndMailEncrypted() throws Exception {
        try (FakeSmtpServer s = new FakeSmtpServer(Security.IMPLICIT_TLS, mine.serverContext(), USER, PASSWORD)) {
            deliversOverTls(s, settings("127.0.0.1", s, SmtpSettings.Tls.TLS, PASSWORD, mine.clientContext()));
        }
    }

    @Test
    void requiredStartTls_withTrustFromAPemFile_upgradesBeforeTheLogin_andDelivers(@TempDir Path dir) throws Exception {
        mine.writePem(dir.resolve("relay.pem"), dir.resolve("relay.key"));
        SSLContext fromPem = TlsTrust.trusting(TlsTrust.readPem(Files.readAllBytes(dir.resolve("relay.pem"))));
        try (FakeSmtpServer s = new FakeSmtpServer(Security.STARTTLS, mine.serverContext(), USER, PASSWORD)) {
            deliversOverTls(s, settings("127.0.0.1", s, SmtpSettings.Tls.STARTTLS, PASSWORD, fromPem));
            assertEquals(List.of("EHLO", "STARTTLS", "EHLO"), s.verbs().subList(0, 3));
        }
    }

    @Test
    void untrustedCertificate_isRefusedTyped_andNothingIsSent_inBothTlsModes() throws Exception {
        record Case(Security security, SmtpSettings.Tls tls, SSLContext trust) {}
        for (Case k : new Case[] {
            new Case(Security.IMPLICIT_TLS, SmtpSettings.Tls.TLS, mine.clientContext()),
            new Case(Security.STARTTLS, SmtpSettings.Tls.STARTTLS, mine.clientContext()),
            new Case(Security.IMPLICIT_TLS, SmtpSettings.Tls.TLS, null), // the JVM's trust store does not know a throwaway certificate
        }) {
            try (FakeSmtpServer s = new FakeSmtpServer(k.security(), stranger.serverContext(), USER, PASSWORD)) {
                DeliveryFailed e = assertThrows(DeliveryFailed.class,
                        () -> new SmtpSender(settings("127.0.0.1", s, k.tls(), PASSWORD, k.trust())).send(List.of(mail("a@example.test", "secret"))));
                assertEquals(DeliveryFailed.Reason.UNTRUSTED_CERTIFICATE, e.reason(), k + ": " + chain(e));
                assertTrue(e.getMessage().contains("the server certificate is not trusted"), e.getMessage());
                assertEquals(0, e.sent());
                assertTrue(s.received.isEmpty());
                assertFalse(s.verbs().contains("AUTH") || s.verbs().contains("MAIL"), k + ": " + s.verbs());
                assertNoSecret(e);
            }
        }
    }

    @Test
    void trustedCertificate_forAnotherHostName_isRefusedTyped() throws Exception {
        // the certificate names IP 127.0.0.1 only; "localhost" reaches the same socket but is not in it
        try (FakeSmtpServer s = new FakeSmtpServer(Security.IMPLICIT_TLS, mine.serverContext(), USER, PASSWORD)) {
            DeliveryFailed e = assertThrows(DeliveryFailed.class,
                    () -> new SmtpSender(settings("localhost", s, SmtpSettings.Tls.TLS, PASSWORD, mine.clientContext()))
                            .send(List.of(mail("a@example.test", "secret"))));
            assertEquals(DeliveryFailed.Reason.HOST_NAME_MISMATCH, e.reason(), chain(e));
            assertTrue(e.getMessage().contains("not valid for this host name"), e.getMessage());
            assertFalse(s.verbs().contains("AUTH") || s.verbs().contains("MAIL"), s.verbs().toString());
            assertNoSecret(e);
        }
    }

    @Test
    void requiredStartTls_serverWithoutStartTls_isRefusedBeforeAnyLoginOrMail() throws Exception {
        try (FakeSmtpServer s = new FakeSmtpServer(Security.PLAIN_ONLY, mine.serverContext(), USER, PASSWORD)) {
            DeliveryFailed e = assertThrows(DeliveryFailed.class,
                    () -> new SmtpSender(settings("127.0.0.1", s, SmtpSettings.Tls.STARTTLS, PASSWORD, mine.clientContext()))
                            .send(List.of(mail("a@example.test", "must not leak"))));
            assertEquals(DeliveryFailed.Reason.STARTTLS_NOT_OFFERED, e.reason(), chain(e));
            assertTrue(e.getMessage().contains("does not offer STARTTLS"), e.getMessage());
            List<String> verbs = s.verbs();
            assertTrue(verbs.contains("EHLO"), "the client did talk to the server: " + verbs);
            assertFalse(verbs.contains("AUTH") || verbs.contains("MAIL") || verbs.contains("DATA"), verbs.toString());
            synchronized (s.lines) {
                assertTrue(s.lines.stream().noneMatch(l -> leaks(l.text(), SECRETS)), "password on the wire");
            }
            assertNoSecret(e);
        }
    }

    @Test
    void wrongPassword_overTls_isLoginRefused_andThePasswordIsInNoErrorOrLog() throws Exception {
        String wrong = PASSWORD + "-but-wrong";
        try (FakeSmtpServer s = new FakeSmtpServer(Security.STARTTLS, mine.serverContext(), USER, PASSWORD)) {
            DeliveryFailed e = assertThrows(DeliveryFailed.class,
                    () -> new SmtpSender(settings("127.0.0.1", s, SmtpSettings.Tls.STARTTLS, wrong, mine.clientContext()))
                            .send(List.of(mail("a@example.test", "x"))));
            assertEquals(DeliveryFailed.Reason.LOGIN_REFUSED, e.reason(), chain(e));
            assertTrue(s.verbs().contains("AUTH"), "the login was attempted: " + s.verbs());
            assertTrue(s.received.isEmpty());
            assertNoSecret(e); // PASSWORD is a prefix of the wrong one, so this also catches the wrong one
        }
        synchronized (logged) {
            assertFalse(logged.isEmpty(), "the log capture saw nothing, so it proves nothing");
            assertTrue(logged.stream().noneMatch(r -> leaks(r, secrets(wrong))), "the wrong password's AUTH line reached a log record");
        }
    }
}
