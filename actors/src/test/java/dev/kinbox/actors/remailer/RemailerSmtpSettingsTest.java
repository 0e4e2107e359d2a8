package dev.kinbox.actors.remailer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RemailerSmtpSettingsTest {
    @Test
    void plainSmtp_isRefusedToAnythingButLoopback() {
        assertThrows(IllegalArgumentException.class, () -> new SmtpSettings("mail.example.org", 25, SmtpSettings.Tls.NONE,
                null, null, Duration.ofSeconds(5), Duration.ofSeconds(5)));
        assertDoesNotThrow(() -> new SmtpSettings("mail.example.org", 587, SmtpSettings.Tls.STARTTLS, "list",
                "pw".toCharArray(), Duration.ofSeconds(5), Duration.ofSeconds(5)));
        assertDoesNotThrow(() -> SmtpSettings.loopback(2525));
    }

    @Test
    void timeoutsMustBePositive_andUserGoesWithPassword() {
        assertThrows(IllegalArgumentException.class, () -> new SmtpSettings("127.0.0.1", 25, SmtpSettings.Tls.NONE,
                null, null, Duration.ZERO, Duration.ofSeconds(5)));
        assertThrows(IllegalArgumentException.class, () -> new SmtpSettings("127.0.0.1", 25, SmtpSettings.Tls.NONE,
                "list", null, Duration.ofSeconds(5), Duration.ofSeconds(5)));
    }

    @Test
    void password_neverAppearsInToString() {
        SmtpSettings s = new SmtpSettings("smtp.example.org", 465, SmtpSettings.Tls.TLS, "list", "hunter2".toCharArray(),
                Duration.ofSeconds(5), Duration.ofSeconds(5));
        assertFalse(s.toString().contains("hunter2"));
        assertTrue(s.toString().contains("***"));
    }

    @Test
    void ownTrust_needsTls_andIsShownAsOwn_defaultIsTheJvms() throws Exception {
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, null, null);
        var e = assertThrows(IllegalArgumentException.class, () -> SmtpSettings.loopback(2525).withTrust(ctx));
        assertTrue(e.getMessage().contains("needs tls=starttls or tls"), e.getMessage());
        SmtpSettings tls = new SmtpSettings("smtp.example.org", 465, SmtpSettings.Tls.TLS, null, null, Duration.ofSeconds(5), Duration.ofSeconds(5));
        assertTrue(tls.sslContext() == null && tls.toString().contains("trust=jvm"), tls.toString());
        assertTrue(tls.withTrust(ctx).sslContext() == ctx && tls.withTrust(ctx).toString().contains("trust=own"));
    }
}
