package dev.kinbox.journal;

/**
 * Every failure the journal plugins raise themselves (mail store and local store failures pass
 * through as {@code MailStoreException} / {@code StoreException}). Closed hierarchy.
 */
public abstract sealed class JournalException extends RuntimeException {
    private JournalException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A configuration value is missing or out of range. */
    public static final class BadConfig extends JournalException {
        public BadConfig(String message) { super(message, null); }
        public BadConfig(String message, Throwable cause) { super(message, cause); }
    }

    /**
     * A message on the server is not a valid SMA message of the expected kind, or its body does not
     * decode: it is skipped, counted and logged, never applied.
     */
    public static final class Malformed extends JournalException {
        public Malformed(String message) { super(message, null); }
        public Malformed(String message, Throwable cause) { super(message, cause); }
    }

    /** A message does not decrypt for us, or is not signed by a paired device: never applied. */
    public static final class Untrusted extends JournalException {
        public Untrusted(String message) { super(message, null); }
        public Untrusted(String message, Throwable cause) { super(message, cause); }
    }

    /** Recovery needs the server (nothing local for the persistence id) and the server cannot be reached. */
    public static final class RestoreFailed extends JournalException {
        public RestoreFailed(String message, Throwable cause) { super(message, cause); }
    }
}
