package dev.kinbox.journal.mail;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.DummySSLServerSocketFactory;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Implicit TLS against GreenMail's IMAPS with a certificate made for the test: trust and name checks hold. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsIT {
    private static final String STOREPASS = "kinbox-test";
    private GreenMail greenMail;
    private Path keystore;

    /** A throw-away certificate for IP 127.0.0.1 only (not "localhost"), made with the JDK's keytool. */
    @BeforeAll void start() throws Exception {
        keystore = Files.createTempDirectory("kinbox-tls").resolve("server.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "greenmail", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", STOREPASS, "-keypass", STOREPASS).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, new String(p.getInputStream().readAllBytes()));
        System.setProperty(DummySSLServerSocketFactory.GREENMAIL_KEYSTORE_FILE_PROPERTY, keystore.toString());
        System.setProperty(DummySSLServerSocketFactory.GREENMAIL_KEYSTORE_PASSWORD_PROPERTY, STOREPASS);
        System.setProperty(DummySSLServerSocketFactory.GREENMAIL_KEY_PASSWORD_PROPERTY, STOREPASS);
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAPS).dynamicPort());
        greenMail.start();
        greenMail.setUser("tls@kinbox.test", "tls", "tls-password");
    }

    @AfterAll void stop() throws Exception {
        if (greenMail != null) greenMail.stop();
        System.clearProperty(DummySSLServerSocketFactory.GREENMAIL_KEYSTORE_FILE_PROPERTY);
        System.clearProperty(DummySSLServerSocketFactory.GREENMAIL_KEYSTORE_PASSWORD_PROPERTY);
        System.clearProperty(DummySSLServerSocketFactory.GREENMAIL_KEY_PASSWORD_PROPERTY);
        if (keystore != null) {
            Files.deleteIfExists(keystore);
            Files.deleteIfExists(keystore.getParent());
        }
    }

    private ImapSettings settings(String host) {
        return ImapSettings.of(host, greenMail.getImaps().getPort(), "tls", Secret.of("tls-password"));
    }

    private SSLContext trustingGreenMail() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            ks.load(in, STOREPASS.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @Test
    void tls_withTrustedCertificate_works() throws Exception {
        ImapSettings s = settings("127.0.0.1").withTls(ImapSettings.TlsMode.TLS, trustingGreenMail());
        try (ImapMailStore store = ImapMailStore.connect(s)) {
            store.createFolder("OverTls");
            long uid = store.append("OverTls", Msgs.of("encrypted in transit"));
            assertTrue(store.fetch("OverTls", UidRange.of(uid), Fetch.FULL).size() == 1);
        }
    }

    @Test
    void tls_withTrustedCertificateForAnotherName_isRefused() throws Exception {
        ImapSettings s = settings("localhost").withTls(ImapSettings.TlsMode.TLS, trustingGreenMail());
        MailStoreException e = assertThrows(MailStoreException.ConnectionLost.class, () -> ImapMailStore.connect(s));
        assertTrue(e.getMessage().contains("TLS"), e.getMessage());
    }

    @Test
    void tls_withUntrustedCertificate_isConnectionLost() {
        ImapSettings s = settings("127.0.0.1").withTls(ImapSettings.TlsMode.TLS, null);
        MailStoreException e = assertThrows(MailStoreException.ConnectionLost.class, () -> ImapMailStore.connect(s));
        assertTrue(e.getMessage().contains("TLS"), e.getMessage());
    }

    @Test
    void plainClient_onTlsPort_isTypedFailureWithinTimeout() {
        ImapSettings s = settings("127.0.0.1").withTimeouts(java.time.Duration.ofSeconds(1), java.time.Duration.ofMillis(500),
                java.time.Duration.ofMillis(500), java.time.Duration.ofSeconds(2));
        long t0 = System.nanoTime();
        assertThrows(MailStoreException.class, () -> ImapMailStore.connect(s));
        assertTrue(System.nanoTime() - t0 < 6_000_000_000L);
    }
}
