package dev.kinbox.journal.mail;

/**
 * Every failure of a {@link MailStore} operation. The hierarchy is closed: callers can switch over
 * the subclasses and know there is nothing else. Messages never contain passwords or message
 * contents; they name the operation, the folder and the server's short reply.
 *
 * <p>Retry guidance: {@link Timeout} and {@link ConnectionLost} may be retried (the store reconnects on
 * the next call), but an APPEND that failed this way may or may not have been stored — look for its
 * Message-ID before appending again. The others are not worth retrying unchanged.
 */
public abstract sealed class MailStoreException extends RuntimeException {
    private MailStoreException(String message, Throwable cause) {
        super(message, cause, true, true);
    }

    /** A connect, read, write or whole-operation deadline passed. */
    public static final class Timeout extends MailStoreException {
        public Timeout(String message, Throwable cause) { super(message, cause); }
    }

    /** The connection closed or broke before the operation completed (including BYE). */
    public static final class ConnectionLost extends MailStoreException {
        public ConnectionLost(String message, Throwable cause) { super(message, cause); }
    }

    /** The server sent something that is not valid IMAP, or contradicts itself. */
    public static final class ProtocolViolation extends MailStoreException {
        public ProtocolViolation(String message, Throwable cause) { super(message, cause); }
    }

    /** The named folder does not exist. */
    public static final class FolderMissing extends MailStoreException {
        private final String folder;
        public FolderMissing(String folder, Throwable cause) {
            super("folder does not exist: " + folder, cause);
            this.folder = folder;
        }
        /** The folder that was addressed. */
        public String folder() { return folder; }
    }

    /** The server rejected the credentials (or no password was configured). */
    public static final class AuthFailed extends MailStoreException {
        public AuthFailed(String message, Throwable cause) { super(message, cause); }
    }

    /** The server answered NO or BAD to a well-formed command (quota, permissions, unsupported...). */
    public static final class CommandRefused extends MailStoreException {
        public CommandRefused(String message, Throwable cause) { super(message, cause); }
    }

    /** Our caller passed something we refuse to send (bad folder name, message too large...); nothing was sent. */
    public static final class InvalidRequest extends MailStoreException {
        public InvalidRequest(String message) { super(message, null); }
    }

    /**
     * The folder's UIDVALIDITY is not the one the caller's UIDs were read under (the folder was made
     * anew, or rebuilt from a backup, since): those UIDs may name other messages, so nothing was done.
     * List again before retrying.
     */
    public static final class UidValidityChanged extends MailStoreException {
        public UidValidityChanged(String folder, long expected, long actual) {
            super("UIDVALIDITY of " + folder + " is " + actual + ", not " + expected + ": nothing done", null);
        }
    }

    /** The store was closed; no further operations are possible. */
    public static final class Closed extends MailStoreException {
        public Closed(String message) { super(message, null); }
    }
}
