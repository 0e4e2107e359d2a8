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
}
