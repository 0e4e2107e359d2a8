package dev.kinbox.actors.remailer;

import java.time.Duration;

/**
 * How the remailer reaches its SMTP server. Plain (unencrypted) SMTP is allowed only to a loopback
 * host; elsewhere use {@code STARTTLS} (required, not opportunistic) or {@code TLS}.
 *
 * @param host     server host
 * @param port     server port
 * @param tls      transport security
 * @param user     login, or null for no authentication
 * @param password password, or null; never printed by {@link #toString()}
 * @param connectTimeout TCP connect timeout
 * @param ioTimeout      read and write timeout per operation
 */
public record SmtpSettings(String host, int port, Tls tls, String user, char[] password, Duration connectTimeout,
                           Duration ioTimeout) {
    /** Transport security. */
    public enum Tls { NONE, STARTTLS, TLS }

    public SmtpSettings {
        if (host == null || host.isBlank() || port < 1 || port > 65535) throw new IllegalArgumentException("bad SMTP host or port");
        if (tls == null) throw new IllegalArgumentException("tls mode required");
        if (tls == Tls.NONE && !isLoopback(host)) {
            throw new IllegalArgumentException("plain SMTP is only allowed to a loopback host, not " + host);
        }
        if ((user == null) != (password == null)) throw new IllegalArgumentException("user and password go together");
        password = password == null ? null : password.clone();
        if (connectTimeout == null || ioTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()
                || ioTimeout.isNegative() || ioTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    /** Plain SMTP to a loopback port without login, 5 s connect and 30 s I/O timeouts. */
    public static SmtpSettings loopback(int port) {
        return new SmtpSettings("127.0.0.1", port, Tls.NONE, null, null, Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    @Override public char[] password() {
        return password == null ? null : password.clone();
    }

    @Override public String toString() {
        return "SmtpSettings[" + host + ":" + port + ", " + tls + ", user=" + user + ", password=" + (password == null ? "none" : "***") + "]";
    }
}
