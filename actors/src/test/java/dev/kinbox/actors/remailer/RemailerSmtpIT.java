package dev.kinbox.actors.remailer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SMTP hand-off against GreenMail: plain on loopback works; required STARTTLS never falls back to plaintext. */
class RemailerSmtpIT {
    private static OutgoingMail mail(String to, String text) {
        byte[] raw = ("From: friends@kinbox.test\r\nTo: " + to + "\r\nSubject: t\r\nMessage-ID: <t" + text.length()
                + "@kinbox.test>\r\n\r\n" + text + "\r\n").getBytes(StandardCharsets.US_ASCII);
        return new OutgoingMail(OutgoingMail.Kind.DELIVERY, "friends@kinbox.test", to, raw);
    }

    @Test
    void plainLoopbackSmtp_deliversEveryMailOfABatch_toItsOneEnvelopeRecipient() throws Exception {
        try (MailServers servers = new MailServers()) {
            servers.user("a@example.test", "a", "pa");
            servers.user("b@example.test", "b", "pb");
            new SmtpSender(SmtpSettings.loopback(servers.smtpPort()))
                    .send(List.of(mail("a@example.test", "first"), mail("b@example.test", "second")));
            assertEquals(1, servers.await("a@example.test", 1, 10_000).size());
            List<byte[]> b = servers.await("b@example.test", 1, 10_000);
            assertEquals(1, b.size());
            assertTrue(ListFixture.text(b.get(0)).contains("second"));
        }
    }

    @Test
    void requiredStartTls_failsTyped_andSendsNothing_whenTlsCannotBeEstablished() throws Exception {
        try (MailServers servers = new MailServers()) {
            servers.user("a@example.test", "a", "pa");
            SmtpSettings starttls = new SmtpSettings("127.0.0.1", servers.smtpPort(), SmtpSettings.Tls.STARTTLS, null, null,
                    Duration.ofSeconds(5), Duration.ofSeconds(5));
            RemailerException.DeliveryFailed e = assertThrows(RemailerException.DeliveryFailed.class,
                    () -> new SmtpSender(starttls).send(List.of(mail("a@example.test", "must not leak"))));
            assertEquals(0, e.sent());
            assertEquals(0, servers.inbox("a@example.test").size());
        }
    }

    @Test
    void closedPort_failsWithinTheConnectTimeout() throws Exception {
        int port;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = ss.getLocalPort();
        }
        long t0 = System.nanoTime();
        assertThrows(RemailerException.DeliveryFailed.class,
                () -> new SmtpSender(SmtpSettings.loopback(port)).send(List.of(mail("a@example.test", "x"))));
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "bounded by the 5 s connect timeout");
    }
}
