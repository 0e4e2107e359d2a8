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
        private final boolean retiredAuthor;

        public Untrusted(String message) { this(message, null); }
        public Untrusted(String message, Throwable cause) { this(message, cause, false); }

        private Untrusted(String message, Throwable cause, boolean retiredAuthor) {
            super(message, cause);
            this.retiredAuthor = retiredAuthor;
        }

        /** Written by {@code author}, which the reader's account has retired ({@link Keyring#retired}): refused by design. */
        public static Untrusted byRetired(String author) {
            return new Untrusted("author " + author + " is retired in this account", null, true);
        }

        /** Whether the author is a retired device of the account, rather than one never paired. */
        public boolean retiredAuthor() { return retiredAuthor; }
    }

    /** Recovery needs the server (nothing local for the persistence id) and the server cannot be reached. */
    public static final class RestoreFailed extends JournalException {
        public RestoreFailed(String message, Throwable cause) { super(message, cause); }
    }
}
