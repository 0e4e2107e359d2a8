package dev.kinbox.actors.remailer;

import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * How the remailer reaches its SMTP server. Plain (unencrypted) SMTP is allowed only to a loopback
 * host; elsewhere use {@code STARTTLS} (required, not opportunistic) or {@code TLS}. TLS trusts the JVM's
 * trust store unless {@link #withTrust} names an own context (a private CA, a relay's own certificate:
 * {@code TlsTrust.trusting}); the host name is checked against the certificate either way, and there
 * is no "trust all".
 *
 * @param host     server host
 * @param port     server port
 * @param tls      transport security
 * @param user     login, or null for no authentication
 * @param password password, or null; never printed by {@link #toString()}
 * @param connectTimeout TCP connect timeout
 * @param ioTimeout      read and write timeout per operation
 * @param sslContext     trust for TLS; null means the JVM's default trust store (only with STARTTLS or TLS)
 */
public record SmtpSettings(String host, int port, Tls tls, String user, char[] password, Duration connectTimeout,
                           Duration ioTimeout, SSLContext sslContext) {
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
        if (sslContext != null && tls == Tls.NONE) throw new IllegalArgumentException("a trusted certificate needs tls=starttls or tls");
    }

    /** With the JVM's default trust store. */
    public SmtpSettings(String host, int port, Tls tls, String user, char[] password, Duration connectTimeout, Duration ioTimeout) {
        this(host, port, tls, user, password, connectTimeout, ioTimeout, null);
    }

    /** The same, trusting {@code context}'s anchors instead of the JVM's (null: back to the JVM's). */
    public SmtpSettings withTrust(SSLContext context) {
        return new SmtpSettings(host, port, tls, user, password, connectTimeout, ioTimeout, context);
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
        return "SmtpSettings[" + host + ":" + port + ", " + tls + ", user=" + user + ", password=" + (password == null ? "none" : "***")
                + (tls == Tls.NONE ? "" : ", trust=" + (sslContext == null ? "jvm" : "own")) + "]";
    }
}
