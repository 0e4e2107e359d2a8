package dev.kinbox.journal.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.servers.ThrowawayCertificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM certificates in, a context trusting exactly them out; bad PEM is a short IllegalArgumentException. */
class TlsTrustTest {
    @TempDir Path dir;

    @Test
    void pemWrittenByThrowawayCertificate_readsBackAsTheSameCertificate() throws Exception {
        ThrowawayCertificate c = ThrowawayCertificate.forLoopback(new SecureRandom());
        c.writePem(dir.resolve("cert.pem"), dir.resolve("key.pem"));
        byte[] pem = Files.readAllBytes(dir.resolve("cert.pem"));
        byte[] twice = ("junk before\n" + new String(pem, StandardCharsets.US_ASCII) + "between\n" + new String(pem, StandardCharsets.US_ASCII))
                .getBytes(StandardCharsets.US_ASCII);
        List<X509Certificate> got = TlsTrust.readPem(twice);
        assertEquals(2, got.size());
        assertEquals(c.certificate(), got.get(0));
        assertEquals(c.certificate(), got.get(1));
    }

    @Test
    void badPem_isIllegalArgument_withAShortReason() throws Exception {
        record Case(String pem, String reason) {}
        ThrowawayCertificate c = ThrowawayCertificate.forLoopback(new SecureRandom());
        c.writePem(dir.resolve("cert.pem"), dir.resolve("key.pem"));
        String good = Files.readString(dir.resolve("cert.pem"));
        for (Case k : new Case[] {
            new Case("", "no PEM certificate"),
            new Case(Files.readString(dir.resolve("key.pem")), "no PEM certificate"),
            new Case(good.replace("-----END CERTIFICATE-----", ""), "has no END line"),
            new Case("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n", "does not decode as X.509"),
            new Case(good.repeat(65), "more than 64 certificates"),
        }) {
            var e = assertThrows(IllegalArgumentException.class, () -> TlsTrust.readPem(k.pem().getBytes(StandardCharsets.US_ASCII)));
            assertTrue(e.getMessage().contains(k.reason()), k.reason() + " gave " + e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> TlsTrust.trusting(List.of()));
    }

    @Test
    void trustingContext_completesAHandshakeWithItsCertificate_andRefusesAnotherAsUntrusted() throws Exception {
        ThrowawayCertificate mine = ThrowawayCertificate.forLoopback(new SecureRandom());
        ThrowawayCertificate other = ThrowawayCertificate.forLoopback(new SecureRandom());
        javax.net.ssl.SSLContext client = TlsTrust.trusting(List.of(mine.certificate()));
        handshake(mine, client);
        SSLHandshakeException e = assertThrows(SSLHandshakeException.class, () -> handshake(other, client));
        assertEquals(TlsTrust.Failure.UNTRUSTED, TlsTrust.classify(e));
        assertEquals(TlsTrust.Failure.HOST_NAME, TlsTrust.classify(new CertificateException("No subject alternative names matching IP address 127.0.0.2 found")));
        assertEquals(TlsTrust.Failure.OTHER, TlsTrust.classify(new SSLHandshakeException("Remote host terminated the handshake")));
    }

    /** One TLS handshake over loopback: {@code server} presents its certificate, the client uses {@code client}; 5 s bounds. */
    private static void handshake(ThrowawayCertificate server, javax.net.ssl.SSLContext client) throws Exception {
        try (var ss = server.serverContext().getServerSocketFactory().createServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            ss.setSoTimeout(5000);
            Thread accept = new Thread(() -> {
                try (var s = (javax.net.ssl.SSLSocket) ss.accept()) {
                    s.setSoTimeout(5000);
                    s.startHandshake();
                } catch (java.io.IOException ignored) {
                    // the client decides; a refused handshake closes this side too
                }
            });
            accept.start();
            try (var s = (javax.net.ssl.SSLSocket) client.getSocketFactory().createSocket()) {
                s.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), ss.getLocalPort()), 5000);
                s.setSoTimeout(5000);
                s.startHandshake();
            } finally {
                accept.join(10_000);
            }
        }
    }
}
