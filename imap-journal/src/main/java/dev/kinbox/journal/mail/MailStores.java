package dev.kinbox.journal.mail;

import dev.kinbox.journal.mail.servers.DovecotServer;
import dev.kinbox.journal.mail.servers.GreenMailServer;
import dev.kinbox.journal.mail.servers.LocalImapServer;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a store spec into a running store: {@code memory}, {@code greenmail} (started in this JVM),
 * {@code dovecot} (the installed binary, started as a child process) or
 * {@code imap://USER@HOST:PORT[?tls=none|starttls|tls]} (password from {@code KINBOX_IMAP_PASSWORD} or
 * {@code KINBOX_IMAP_PASSWORD_FILE}). The module's one entry point for callers that do not care which.
 */
public final class MailStores {
    private MailStores() {}

    /** The user the fixtures create for {@code greenmail} and {@code dovecot}. */
    public static final String FIXTURE_USER = "kinbox";

    /**
     * A store and whatever was started for it; closing closes both.
     *
     * @param name     the spec's short name ({@code memory}, {@code greenmail}, {@code dovecot}, {@code imap})
     * @param store    the store
     * @param settings how to open more IMAP connections to the same account (empty for memory)
     * @param server   the server started for it, if any
     */
    public record Running(String name, MailStore store, Optional<ImapSettings> settings, Optional<LocalImapServer> server)
            implements AutoCloseable {
        @Override public void close() {
            try {
                store.close();
            } finally {
                server.ifPresent(LocalImapServer::close);
            }
        }
    }

    /**
     * {@code name} as every {@link MailStore} takes a folder name ({@code INBOX} in any case as {@code INBOX}, or
     * 1-200 of A-Z a-z 0-9 _ -, first level only); {@link MailStoreException.InvalidRequest} for anything else.
     */
    public static String folderName(String name) {
        return Requests.folder(name);
    }

    /** Opens the store a spec names; {@link MailStoreException.InvalidRequest} for a bad spec. */
    public static Running open(String spec, Map<String, String> env) {
        if (spec == null) throw new MailStoreException.InvalidRequest("no store spec");
        String s = spec.trim();
        switch (s.toLowerCase(Locale.ROOT)) {
            case "memory":
                return new Running("memory", new MemoryMailStore(), Optional.empty(), Optional.empty());
            case "greenmail":
                return onServer(GreenMailServer.start(new SecureRandom()));
            case "dovecot":
                if (!DovecotServer.isInstalled()) throw new MailStoreException.InvalidRequest("dovecot not installed");
                try {
                    return onServer(DovecotServer.start(new SecureRandom()));
                } catch (IOException e) {
                    throw new IllegalStateException("cannot start dovecot: " + e.getMessage(), e);
                }
            default:
                ImapSettings settings = parseUrl(s, env);
                return new Running("imap", ImapMailStore.connect(settings), Optional.of(settings), Optional.empty());
        }
    }

    /** Parses {@code imap://USER@HOST:PORT[?tls=...]}; the password comes from {@code env}. */
    public static ImapSettings parseUrl(String spec, Map<String, String> env) {
        URI u;
        try {
            u = new URI(spec);
        } catch (URISyntaxException e) {
            throw new MailStoreException.InvalidRequest("not a store spec: memory | greenmail | dovecot | imap://USER@HOST:PORT");
        }
        if (!"imap".equalsIgnoreCase(u.getScheme()) || u.getHost() == null || u.getUserInfo() == null || u.getPort() < 1) {
            throw new MailStoreException.InvalidRequest("expected memory | greenmail | dovecot | imap://USER@HOST:PORT[?tls=none|starttls|tls]");
        }
        if (u.getUserInfo().contains(":")) {
            throw new MailStoreException.InvalidRequest("put the password in KINBOX_IMAP_PASSWORD or KINBOX_IMAP_PASSWORD_FILE, not in the URL");
        }
        ImapSettings.TlsMode tls = ImapSettings.TlsMode.NONE;
        String q = u.getQuery();
        if (q != null && !q.isEmpty()) {
            if (!q.toLowerCase(Locale.ROOT).startsWith("tls=")) throw new MailStoreException.InvalidRequest("unknown option in " + q);
            tls = switch (q.substring(4).toLowerCase(Locale.ROOT)) {
                case "none" -> ImapSettings.TlsMode.NONE;
                case "starttls" -> ImapSettings.TlsMode.STARTTLS;
                case "tls" -> ImapSettings.TlsMode.TLS;
                default -> throw new MailStoreException.InvalidRequest("tls must be none, starttls or tls");
            };
        }
        return ImapSettings.of(u.getHost(), u.getPort(), u.getUserInfo(), Secret.fromEnvironment(env)).withTls(tls, null);
    }

    /** Largest PEM file {@link #trusting} accepts. */
    public static final int MAX_TRUST_PEM_BYTES = 1 << 20;

    /**
     * {@code settings} trusting exactly the PEM certificates in {@code pem} (a self-signed server's,
     * or a private CA's) instead of the JVM's trust store; the host name is still checked.
     *
     * @throws MailStoreException.InvalidRequest without TLS in the settings, or when {@code pem} holds no usable certificate
     */
    public static ImapSettings trusting(ImapSettings settings, byte[] pem) {
        if (settings.tls() == ImapSettings.TlsMode.NONE) {
            throw new MailStoreException.InvalidRequest("a trusted certificate needs tls=starttls or tls in the IMAP URL");
        }
        if (pem.length > MAX_TRUST_PEM_BYTES) throw new MailStoreException.InvalidRequest("certificate file larger than " + MAX_TRUST_PEM_BYTES + " bytes");
        try {
            return settings.withTls(settings.tls(), TlsTrust.trusting(TlsTrust.readPem(pem)));
        } catch (IllegalArgumentException e) {
            throw new MailStoreException.InvalidRequest("certificate file: " + e.getMessage());
        }
    }

    private static Running onServer(LocalImapServer server) {
        try {
            ImapSettings settings = server.settings(server.addUser(FIXTURE_USER));
            return new Running(server.kind(), ImapMailStore.connect(settings), Optional.of(settings), Optional.of(server));
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }
}
