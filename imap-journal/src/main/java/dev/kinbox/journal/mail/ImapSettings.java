package dev.kinbox.journal.mail;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * How an {@link ImapMailStore} connects; immutable, parsed once. Start from {@link #of} and adjust
 * with the {@code with...} methods.
 *
 * @param host                 server host (Kinbox tests use loopback only)
 * @param port                 server port
 * @param user                 login name
 * @param password             the password (never logged)
 * @param tls                  plain, STARTTLS or implicit TLS
 * @param sslContext           trust for TLS; {@code null} means the JVM default
 * @param connectTimeout       TCP connect (and greeting) limit
 * @param readTimeout          limit for any single read on the socket
 * @param writeTimeout         limit for any single write on the socket
 * @param operationTimeout     limit for a whole operation including waiting for a pooled connection
 * @param poolSize             connections for commands (watches use their own)
 * @param maxMessageBytes      larger messages are refused before sending
 * @param watchMode            how watches learn of changes
 * @param pollInterval         NOOP interval for {@link WatchMode#POLL}
 * @param reconnectBackoffMax  longest wait between reconnect attempts
 * @param ignoredCapabilities  capabilities to act as if the server lacked (tests, benchmarks)
 */
public record ImapSettings(String host, int port, String user, Secret password, TlsMode tls, SSLContext sslContext,
                           Duration connectTimeout, Duration readTimeout, Duration writeTimeout, Duration operationTimeout,
                           int poolSize, int maxMessageBytes, WatchMode watchMode, Duration pollInterval,
                           Duration reconnectBackoffMax, Set<Capability> ignoredCapabilities) {

    /** Transport security. */
    public enum TlsMode { NONE, STARTTLS, TLS }

    /** How a watch notices changes. */
    public enum WatchMode {
        /** IDLE where the server has it, else {@link #POLL}. */
        AUTO,
        /** IDLE only (fails if the server lacks it). */
        IDLE,
        /** NOOP on the selected folder every {@code pollInterval}: faster than Dovecot's IDLE, costs commands. */
        POLL
    }

    public ImapSettings {
        if (host == null || host.isBlank()) throw new MailStoreException.InvalidRequest("no host");
        if (port < 1 || port > 65535) throw new MailStoreException.InvalidRequest("bad port " + port);
        if (user == null || user.isEmpty() || user.chars().anyMatch(c -> c < 33 || c == 127)) {
            throw new MailStoreException.InvalidRequest("bad user name");
        }
        if (password == null) throw new MailStoreException.InvalidRequest("no password");
        for (Duration d : new Duration[] {connectTimeout, readTimeout, writeTimeout, operationTimeout, pollInterval, reconnectBackoffMax}) {
            if (d == null || d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
                throw new MailStoreException.InvalidRequest("timeouts must be positive");
            }
        }
        if (poolSize < 1 || poolSize > 64) throw new MailStoreException.InvalidRequest("poolSize must be 1..64");
        if (maxMessageBytes < 1) throw new MailStoreException.InvalidRequest("maxMessageBytes must be positive");
        ignoredCapabilities = ignoredCapabilities.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(ignoredCapabilities));
    }

    /** Defaults: plain connection, 10 s connect/read/write, 60 s per operation, pool of 4, IDLE where available. */
    public static ImapSettings of(String host, int port, String user, Secret password) {
        return new ImapSettings(host, port, user, password, TlsMode.NONE, null, Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(60), 4, 32 << 20,
                WatchMode.AUTO, Duration.ofMillis(500), Duration.ofSeconds(5), Set.of());
    }

    public ImapSettings withTls(TlsMode mode, SSLContext context) {
        return new ImapSettings(host, port, user, password, mode, context, connectTimeout, readTimeout, writeTimeout,
                operationTimeout, poolSize, maxMessageBytes, watchMode, pollInterval, reconnectBackoffMax, ignoredCapabilities);
    }

    public ImapSettings withTimeouts(Duration connect, Duration read, Duration write, Duration operation) {
        return new ImapSettings(host, port, user, password, tls, sslContext, connect, read, write,
                operation, poolSize, maxMessageBytes, watchMode, pollInterval, reconnectBackoffMax, ignoredCapabilities);
    }

    /** These settings for another login on the same server, with the same password. */
    public ImapSettings withUser(String otherUser) {
        return new ImapSettings(host, port, otherUser, password, tls, sslContext, connectTimeout, readTimeout, writeTimeout,
                operationTimeout, poolSize, maxMessageBytes, watchMode, pollInterval, reconnectBackoffMax, ignoredCapabilities);
    }

    public ImapSettings withPoolSize(int size) {
        return new ImapSettings(host, port, user, password, tls, sslContext, connectTimeout, readTimeout, writeTimeout,
                operationTimeout, size, maxMessageBytes, watchMode, pollInterval, reconnectBackoffMax, ignoredCapabilities);
    }

    public ImapSettings withWatch(WatchMode mode, Duration poll) {
        return new ImapSettings(host, port, user, password, tls, sslContext, connectTimeout, readTimeout, writeTimeout,
                operationTimeout, poolSize, maxMessageBytes, mode, poll, reconnectBackoffMax, ignoredCapabilities);
    }

    public ImapSettings withReconnectBackoffMax(Duration max) {
        return new ImapSettings(host, port, user, password, tls, sslContext, connectTimeout, readTimeout, writeTimeout,
                operationTimeout, poolSize, maxMessageBytes, watchMode, pollInterval, max, ignoredCapabilities);
    }

    public ImapSettings ignoring(Set<Capability> caps) {
        return new ImapSettings(host, port, user, password, tls, sslContext, connectTimeout, readTimeout, writeTimeout,
                operationTimeout, poolSize, maxMessageBytes, watchMode, pollInterval, reconnectBackoffMax, caps);
    }

    @Override public String toString() {
        return "ImapSettings[" + user + "@" + host + ":" + port + ", tls=" + tls + ", pool=" + poolSize + ", watch=" + watchMode + "]";
    }
}
