package dev.kinbox.journal.mail;

import java.util.EnumSet;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.angus.mail.iap.CommandFailedException;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.ListInfo;
import org.eclipse.angus.mail.imap.protocol.MailboxInfo;
import org.eclipse.angus.mail.util.MailLogger;

/**
 * One logged-in IMAP connection: Angus's protocol engine with our timeouts and sockets, its
 * capabilities (read once after login) and which folder it has selected. Not thread-safe; the pool
 * hands it to one caller at a time.
 */
final class ImapConnection {
    private static final MailLogger QUIET = new MailLogger(ImapConnection.class, "IMAP", false, System.err);

    final IMAPProtocol protocol;
    final Set<Capability> capabilities;
    private final Sockets sockets;
    private String selected;
    private long selectedUidValidity;
    long lastUsedNanos = System.nanoTime();

    private ImapConnection(IMAPProtocol protocol, Sockets sockets, Set<Capability> capabilities) {
        this.protocol = protocol;
        this.sockets = sockets;
        this.capabilities = capabilities;
    }

    /**
     * Pause before the one retry of a login the server refused. A server shutting down refuses the
     * logins in flight as failed: Dovecot's authentication process exits first, and its login process
     * answers {@code NO [AUTHENTICATIONFAILED]} (seen on the test fixture's restart, which signals every
     * process at once as systemd's restart does); a new connection a moment later meets the server
     * restarted. Wrong credentials are told half a second later.
     */
    static final java.time.Duration LOGIN_RETRY_PAUSE = java.time.Duration.ofMillis(500);

    /**
     * Connects, secures and logs in; throws a mapped {@link MailStoreException} on failure. A login
     * the server refuses is tried once more on a new connection after {@link #LOGIN_RETRY_PAUSE}.
     */
    static ImapConnection open(ImapSettings s, ScheduledExecutorService timers) {
        try {
            return attempt(s, timers);
        } catch (MailStoreException.AuthFailed refused) {
            if (!(refused.getCause() instanceof CommandFailedException)) throw refused; // not the server's NO: nothing sent
            try {
                Thread.sleep(LOGIN_RETRY_PAUSE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw refused;
            }
            try {
                return attempt(s, timers);
            } catch (MailStoreException.AuthFailed again) {
                if (!(again.getCause() instanceof CommandFailedException)) throw again;
                throw new MailStoreException.AuthFailed(again.getMessage() + " (refused twice, " + LOGIN_RETRY_PAUSE.toMillis() + " ms apart)",
                        again.getCause());
            }
        }
    }

    private static ImapConnection attempt(ImapSettings s, ScheduledExecutorService timers) {
        // Literals above the message limit (plus room for headers-only fetches) are refused unread.
        Sockets sockets = new Sockets(Math.max(s.maxMessageBytes(), 1 << 20) + 65_536L);
        Properties props = new Properties();
        props.put("mail.imap.connectiontimeout", Long.toString(s.connectTimeout().toMillis()));
        props.put("mail.imap.timeout", Long.toString(s.readTimeout().toMillis()));
        props.put("mail.imap.writetimeout", Long.toString(s.writeTimeout().toMillis()));
        props.put("mail.imap.executor.writetimeout", timers);
        props.put("mail.imap.socketFactory", sockets.plain());
        props.put("mail.imap.socketFactory.fallback", "false");
        props.put("mail.imap.ssl.socketFactory", sockets.tls(s.sslContext()));
        props.put("mail.imap.ssl.checkserveridentity", "true");
        if (s.tls() == ImapSettings.TlsMode.STARTTLS) {
            // Only Angus's IMAPStore acts on these two; we drive IMAPProtocol ourselves, so the
            // "STARTTLS or nothing" rule is enforced below, before any credentials are sent.
            props.put("mail.imap.starttls.enable", "true");
            props.put("mail.imap.starttls.required", "true");
        }
        // Deadline for connect + greeting + login, which the socket timeouts alone do not bound.
        java.util.concurrent.ScheduledFuture<?> guard;
        try {
            guard = timers.schedule(sockets::abort, s.operationTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the store's timers are gone: it was closed while this operation was starting
            throw new MailStoreException.Closed("IMAP store is closed");
        }
        IMAPProtocol p = null;
        try {
            p = new IMAPProtocol("imap", s.host(), s.port(), props, s.tls() == ImapSettings.TlsMode.TLS, QUIET);
            if (s.tls() == ImapSettings.TlsMode.STARTTLS) {
                if (!p.hasCapability("STARTTLS")) {
                    throw new MailStoreException.CommandRefused("server " + s.host() + ":" + s.port()
                            + " does not offer STARTTLS; credentials were not sent", null);
                }
                p.startTLS();
                p.capability();
            }
            if (!p.isAuthenticated()) {
                if (!p.isSSL() && p.hasCapability("LOGINDISABLED")) {
                    // The server wants TLS first (e.g. Dovecot's disable_plaintext_auth): sending
                    // LOGIN or AUTHENTICATE now would put the password on the wire in clear.
                    throw new MailStoreException.AuthFailed("server " + s.host() + ":" + s.port()
                            + " refuses to log in without TLS (LOGINDISABLED); credentials were not sent."
                            + " Connect with tls=starttls or tls=tls", null);
                }
                try {
                    if (p.hasCapability("LOGINDISABLED") || p.hasCapability("AUTH=PLAIN")) {
                        p.authplain(null, s.user(), s.password().reveal());
                    } else {
                        p.login(s.user(), s.password().reveal());
                    }
                } catch (CommandFailedException e) {
                    String said = ImapErrors.brief(e.getResponse());
                    if (said.toUpperCase(java.util.Locale.ROOT).contains("[UNAVAILABLE]")) {
                        // RFC 5530: a subsystem is down for now (an authentication service still starting): retried as a lost connection
                        throw new MailStoreException.ConnectionLost("login of user " + s.user() + ": server unavailable for now: " + said, null);
                    }
                    throw new MailStoreException.AuthFailed("login refused for user " + s.user() + ": server said NO " + said, e);
                }
            }
            p.capability();
            Set<Capability> caps = EnumSet.noneOf(Capability.class);
            caps.addAll(Capability.fromAtoms(p.getCapabilities().keySet()));
            caps.removeAll(s.ignoredCapabilities());
            return new ImapConnection(p, sockets, Set.copyOf(caps));
        } catch (Exception e) {
            if (p != null) p.disconnect();
            sockets.abort();
            throw ImapErrors.map("connect to " + s.host() + ":" + s.port(), e, guard.isDone() && !(e instanceof MailStoreException.AuthFailed));
        } finally {
            guard.cancel(false);
        }
    }

    boolean has(Capability c) {
        return capabilities.contains(c);
    }

    /**
     * As {@link #select}, but when the folder was already selected sends NOOP first: a session's view
     * of its selected folder is only brought up to date at command boundaries (Dovecot answered
     * {@code UID FETCH n:*} without messages other sessions had appended, and with empty bodies for
     * messages they had expunged, until this session synced).
     */
    long selectFresh(String folder) throws ProtocolException {
        if (folder.equals(selected)) noop();
        return select(folder);
    }

    /** Whether {@code folder} is this connection's selected folder. */
    boolean isSelected(String folder) {
        return folder.equals(selected);
    }

    /** SELECTs the folder unless it is already selected; returns its UIDVALIDITY. */
    long select(String folder) throws ProtocolException {
        if (!folder.equals(selected)) {
            selected = null;
            MailboxInfo mi = protocol.select(folder);
            selected = folder;
            selectedUidValidity = mi.uidvalidity;
        }
        return selectedUidValidity;
    }

    /** Leaves the selected state if {@code folder} is selected (before deleting it). */
    void deselect(String folder) throws ProtocolException {
        if (folder.equals(selected)) {
            if (has(Capability.UNSELECT)) protocol.unselect(); else protocol.close();
            selected = null;
        }
    }

    /** Forgets the selection (after a failed SELECT the server has none). */
    void forgetSelection() {
        selected = null;
    }

    /** Whether a first-level folder with this name exists (LIST). */
    boolean exists(String folder) throws ProtocolException {
        ListInfo[] li = protocol.list("", folder);
        if (li == null) return false;
        for (ListInfo l : li) if (l.name.equalsIgnoreCase(folder) && l.canOpen) return true;
        return false;
    }

    /** Runs a raw command and returns all responses, failing on a tagged NO/BAD or BYE. */
    Response[] command(String command, org.eclipse.angus.mail.iap.Argument args) throws ProtocolException {
        Response[] rs = protocol.command(command, args);
        protocol.notifyResponseHandlers(rs);
        protocol.handleResult(rs[rs.length - 1]);
        return rs;
    }

    /**
     * Reads responses the server sent while the connection sat in the pool; false if it said BYE
     * or the connection is broken, so the caller takes another one.
     */
    boolean healthy() {
        try {
            while (protocol.hasResponse()) {
                Response r = protocol.readResponse();
                if (r.isBYE()) return false;
            }
            return !sockets.aborted();
        } catch (Exception e) {
            return false;
        }
    }

    void noop() throws ProtocolException {
        command("NOOP", null);
    }

    /** Closes the sockets now, from any thread (deadlines, shutdown). */
    void abort() {
        sockets.abort();
    }

    boolean aborted() {
        return sockets.aborted();
    }

    /** Logs out politely if possible, then closes. */
    /**
     * Logs out, leaving the selected folder first: GreenMail 2.1.7 keeps a logged-out session
     * registered on the folder it had selected, and a later DELETE of that folder by any session fails
     * on it (and drops that session's connection).
     */
    void close() {
        try {
            if (!sockets.aborted() && selected != null) deselect(selected);
        } catch (Exception ignored) {
            // best effort: the logout below still ends the session
        }
        try {
            if (!sockets.aborted()) protocol.logout();
        } catch (Exception ignored) {
            // best effort
        } finally {
            protocol.disconnect();
            sockets.abort();
        }
    }
}
