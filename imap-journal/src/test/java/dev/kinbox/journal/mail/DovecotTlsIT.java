package dev.kinbox.journal.mail;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.servers.DovecotServer;
import dev.kinbox.journal.mail.servers.LocalImapServer;
import dev.kinbox.journal.mail.servers.ThrowawayCertificate;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * STARTTLS and implicit TLS against the installed Dovecot, which serves a certificate made for the
 * test and requires TLS before login ({@code ssl = required}, {@code disable_plaintext_auth = yes}).
 * Dovecot counts 127.0.0.1-to-127.0.0.1 as secure, so the tests that need the rule to bite (and that
 * check what went over the wire) go through a {@link WireTap} that connects from 127.0.0.2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DovecotTlsIT {
    private static final InetAddress OTHER_LOOPBACK = loopback2();

    private ThrowawayCertificate certificate;
    private DovecotServer server;
    private LocalImapServer.Account account;

    @BeforeAll void start() throws Exception {
        DovecotFixture.assumeInstalled();
        SecureRandom random = new SecureRandom();
        certificate = ThrowawayCertificate.forLoopback(random);
        server = DovecotServer.startWithTls(random, certificate, true);
        account = server.addUser("tls");
    }

    @AfterAll void stop() {
        if (server != null) server.close();
    }

    private ImapSettings settings(String host, int port, ImapSettings.TlsMode mode, SSLContext trust) {
        return ImapSettings.of(host, port, account.user(), account.password()).withTls(mode, trust)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10))
                .withReconnectBackoffMax(Duration.ofMillis(100));
    }

    private static InetAddress loopback2() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The ways the password could appear on the wire: as typed (LOGIN) and inside AUTHENTICATE PLAIN. */
    private List<String> passwordForms() {
        String pw = account.password().reveal();
        String plain = Base64.getEncoder().encodeToString(("\0" + account.user() + "\0" + pw).getBytes(StandardCharsets.UTF_8));
        return List.of(pw, plain);
    }

    @Test
    void starttls_withTrustedCertificate_createsAppendsAndFetches() {
        try (ImapMailStore s = ImapMailStore.connect(settings(server.host(), server.port(), ImapSettings.TlsMode.STARTTLS,
                certificate.clientContext()))) {
            assertTrue(s.capabilities().contains(Capability.IDLE), s.capabilities().toString());
            s.createFolder("StartTls");
            assertTrue(s.listFolders().contains("StartTls"));
            byte[] raw = Msgs.message(Msgs.newId(), "sent after STARTTLS");
            long uid = s.append("StartTls", NewMessage.of(raw, Flag.SEEN));
            AppendResult batch = s.append("StartTls", List.of(Msgs.of("b1"), Msgs.of("b2")));
            List<StoredMessage> got = s.fetch("StartTls", UidRange.all(), Fetch.FULL);
            assertEquals(3, got.size());
            assertEquals(uid, got.get(0).uid());
            assertArrayEquals(raw, got.get(0).raw());
            assertEquals(batch.uids(), got.subList(1, 3).stream().map(StoredMessage::uid).toList());
            assertEquals(3, s.status("StartTls").messages());
        }
    }

    @Test
    void starttls_fromAnotherAddress_logsInOnlyAfterTls_andNoPasswordCrossesInClear() throws Exception {
        try (WireTap tap = new WireTap(server.host(), server.port(), OTHER_LOOPBACK);
             ImapMailStore s = ImapMailStore.connect(settings("127.0.0.1", tap.port(), ImapSettings.TlsMode.STARTTLS,
                     certificate.clientContext()))) {
            assertTrue(s.listFolders().contains("INBOX"));
            String wire = tap.clientBytes();
            int starttls = wire.indexOf(" STARTTLS\r\n");
            assertTrue(starttls > 0, "no STARTTLS command on the wire");
            String clear = wire.substring(0, starttls).toUpperCase();
            assertFalse(clear.contains("LOGIN") || clear.contains("AUTHENTICATE"), "credentials command before TLS: " + clear);
            for (String secret : passwordForms()) assertFalse(wire.contains(secret), "password on the wire in clear");
        }
    }

    @Test
    void plainClient_onServerRequiringTls_isAuthFailed_andSendsNoCredentials() throws Exception {
        try (WireTap tap = new WireTap(server.host(), server.port(), OTHER_LOOPBACK)) {
            ImapSettings plain = settings("127.0.0.1", tap.port(), ImapSettings.TlsMode.NONE, null);
            MailStoreException e = assertThrows(MailStoreException.AuthFailed.class, () -> ImapMailStore.connect(plain));
            assertTrue(e.getMessage().contains("without TLS") && e.getMessage().contains("not sent"), e.getMessage());
            String wire = tap.clientBytes().toUpperCase();
            assertFalse(wire.contains("LOGIN ") || wire.contains("AUTHENTICATE"), "credentials command sent: " + wire);
            for (String secret : passwordForms()) {
                assertFalse(tap.clientBytes().contains(secret), "password on the wire");
                assertFalse(e.getMessage().contains(secret), "password in the message");
            }
        }
    }

    @Test
    void starttls_withUntrustedCertificate_isConnectionLost_sayingNotTrusted() {
        ImapSettings jvmTrust = settings(server.host(), server.port(), ImapSettings.TlsMode.STARTTLS, null);
        MailStoreException e = assertThrows(MailStoreException.ConnectionLost.class, () -> ImapMailStore.connect(jvmTrust));
        assertTrue(e.getMessage().contains("not trusted"), e.getMessage());
    }

    @Test
    void starttls_withWrongHostName_isConnectionLost_sayingHostName() {
        // The certificate names 127.0.0.1 only; "localhost" reaches the same server but must not match.
        ImapSettings wrongName = settings("localhost", server.port(), ImapSettings.TlsMode.STARTTLS, certificate.clientContext());
        MailStoreException e = assertThrows(MailStoreException.ConnectionLost.class, () -> ImapMailStore.connect(wrongName));
        assertTrue(e.getMessage().contains("not valid for this host name"), e.getMessage());
    }

    @Test
    void implicitTls_onImapsPort_appendsAndFetches() {
        try (ImapMailStore s = ImapMailStore.connect(settings(server.host(), server.tlsPort(), ImapSettings.TlsMode.TLS,
                certificate.clientContext()))) {
            s.createFolder("Imaps");
            long uid = s.append("Imaps", Msgs.of("over implicit TLS"));
            assertEquals(List.of(uid), s.fetch("Imaps", UidRange.all(), Fetch.HEADERS).stream().map(StoredMessage::uid).toList());
        }
    }

    @Test
    void starttls_watch_reportsAnAppend() throws Exception {
        ImapSettings st = settings(server.host(), server.port(), ImapSettings.TlsMode.STARTTLS, certificate.clientContext())
                .withWatch(ImapSettings.WatchMode.POLL, Duration.ofMillis(20));
        try (ImapMailStore s = ImapMailStore.connect(st)) {
            s.createFolder("Watched");
            BlockingQueue<FolderEvent> events = new LinkedBlockingQueue<>();
            try (Watch w = s.watch("Watched", events::add)) {
                s.append("Watched", Msgs.of("ping"));
                assertEquals(new FolderEvent.Changed("Watched"), events.poll(10, TimeUnit.SECONDS));
            }
        }
    }
}
