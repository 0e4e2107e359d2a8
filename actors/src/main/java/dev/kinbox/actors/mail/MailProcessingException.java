package dev.kinbox.actors.mail;

/**
 * Every failure of {@link MailAutocrypt}. Callers switch over the permitted subtypes; nothing else
 * leaves the public API (bad input of any kind ends here, never in a runtime exception from Jakarta
 * Mail or Bouncy Castle). A thrown exception means nothing was produced: no events, no message.
 * Messages never contain key material or plaintext.
 */
public sealed class MailProcessingException extends Exception
        permits MailProcessingException.Malformed, MailProcessingException.NotEncrypted,
                MailProcessingException.NoMatchingKey, MailProcessingException.Refused {

    private MailProcessingException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The mail is not usable: over the size cap, broken MIME or headers, broken OpenPGP data. */
    public static final class Malformed extends MailProcessingException {
        public Malformed(String message) { super(message, null); }
        public Malformed(String message, Throwable cause) { super(message, cause); }
    }

    /** {@link MailAutocrypt#decrypt} was given a mail that is not PGP/MIME encrypted. */
    public static final class NotEncrypted extends MailProcessingException {
        public NotEncrypted(String message) { super(message, null); }
    }

    /** The mail is encrypted, but to none of the account keys we hold. */
    public static final class NoMatchingKey extends MailProcessingException {
        public NoMatchingKey(String message, Throwable cause) { super(message, cause); }
    }

    /**
     * {@link MailAutocrypt#prepareOutgoing} cannot do what the draft and policy ask: From is not the
     * account address, there is no current account key, or encryption is required but some
     * recipient has no usable key.
     */
    public static final class Refused extends MailProcessingException {
        public Refused(String message) { super(message, null); }
        public Refused(String message, Throwable cause) { super(message, cause); }
    }
}
