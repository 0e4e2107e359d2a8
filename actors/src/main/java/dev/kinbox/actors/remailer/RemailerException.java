package dev.kinbox.actors.remailer;

/**
 * Failures of the remailer that are not verdicts on a mail (those are {@link PostOutcome}s): a bad
 * configuration, or mail that could not be handed to the SMTP server.
 */
public sealed class RemailerException extends Exception
        permits RemailerException.InvalidConfiguration, RemailerException.DeliveryFailed, RemailerException.StateUnavailable {
    private RemailerException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The list key or settings cannot work (e.g. the key has no encryption subkey). */
    public static final class InvalidConfiguration extends RemailerException {
        public InvalidConfiguration(String message) { super(message, null); }
    }

    /** The SMTP server refused, timed out or could not be reached; nothing after the failed message was sent. */
    public static final class DeliveryFailed extends RemailerException {
        private final int sent;

        public DeliveryFailed(String message, int sent, Throwable cause) {
            super(message, cause);
            this.sent = sent;
        }

        /** How many messages of the batch were accepted before the failure. */
        public int sent() { return sent; }
    }

    /** The roster actor did not answer in time or refused to persist; nothing was recorded. */
    public static final class StateUnavailable extends RemailerException {
        public StateUnavailable(String message, Throwable cause) { super(message, cause); }
    }
}
