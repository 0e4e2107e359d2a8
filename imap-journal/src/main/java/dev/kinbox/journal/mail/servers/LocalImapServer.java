package dev.kinbox.journal.mail.servers;

import dev.kinbox.journal.mail.ImapSettings;
import dev.kinbox.journal.mail.Secret;

/**
 * An IMAP server this process started on loopback (GreenMail in-process, or Dovecot as a child
 * process), for tests, benchmarks and the simulator. Closing it stops the server and removes its data.
 */
public interface LocalImapServer extends AutoCloseable {
    /** {@code greenmail} or {@code dovecot}. */
    String kind();

    /** Loopback address the server listens on. */
    String host();

    /** The port it listens on (chosen free at start). */
    int port();

    /** Creates an account (idempotent for the same name) and returns its login; passwords are random. */
    Account addUser(String user);

    /**
     * Creates an account with the given password, as an administrator pre-creates users for a run
     * against an existing server ({@code kinbox simulate --store imap://...}); an existing account is
     * returned unchanged.
     */
    Account addUser(String user, String password);

    /** Connection settings for an account, with defaults from {@link ImapSettings#of}. */
    default ImapSettings settings(Account account) {
        return ImapSettings.of(host(), port(), account.user(), account.password());
    }

    /**
     * Stops the server and starts it again on the same port with the same users and mail; every
     * client connection drops (clients must reconnect). For fault tests and the simulator.
     */
    void restart();

    /**
     * Stops the server, restores {@code user}'s {@code folder} as from a backup - a new UIDVALIDITY,
     * the same messages with their flags under new UIDs (in another order where the server lets us
     * choose one) - and starts it again on the same port with the same users and mail; every client
     * connection drops, as with {@link #restart()}. {@link IllegalArgumentException} (server left as
     * it was, still serving) when the user or the folder does not exist; {@link IllegalStateException}
     * when the server does not come back.
     */
    default void rebuild(String user, String folder) {
        rebuild(user, folder, 0);
    }

    /**
     * As {@link #rebuild(String, String)}, from a backup older than the folder's {@code newestLost}
     * newest messages (by UID): they are not restored. {@link IllegalArgumentException} (nothing
     * changed) when {@code newestLost} is negative.
     */
    void rebuild(String user, String folder, int newestLost);

    @Override void close();

    /** A login on the server. */
    record Account(String user, Secret password) {
        public Account {
            if (user == null || !user.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
                throw new IllegalArgumentException("user names are [a-z0-9._-], up to 64 characters");
            }
        }
    }
}
