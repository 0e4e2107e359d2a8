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
        /** What went wrong, for callers that act on it (an untrusted certificate will not heal by retrying). */
        public enum Reason {
            /** TCP connect failed (refused, unknown host, no route). */
            UNREACHABLE,
            /** No answer within the connect or I/O timeout. */
            TIMEOUT,
            /** The server's certificate does not lead to a trusted one (JVM trust store or {@link SmtpSettings#withTrust}). */
            UNTRUSTED_CERTIFICATE,
            /** The certificate is trusted but not for the host name dialled. */
            HOST_NAME_MISMATCH,
            /** The TLS handshake failed for another reason. */
            TLS_FAILED,
            /** STARTTLS is required and the server does not offer it; no login and no mail were sent. */
            STARTTLS_NOT_OFFERED,
            /** The server refused the login. */
            LOGIN_REFUSED,
            /** The server refused a command or a message, or the conversation broke off. */
            REFUSED;

            /**
             * True where retrying at once cannot help - the certificate, the host name, STARTTLS or the
             * login must change first (on the server or in the settings).
             */
            public boolean needsAFix() {
                return this == UNTRUSTED_CERTIFICATE || this == HOST_NAME_MISMATCH || this == STARTTLS_NOT_OFFERED || this == LOGIN_REFUSED;
            }
        }

        private final Reason reason;
        private final int sent;

        public DeliveryFailed(String message, Reason reason, int sent, Throwable cause) {
            super(message, cause);
            this.reason = reason;
            this.sent = sent;
        }

        public Reason reason() { return reason; }

        /** How many messages of the batch were accepted before the failure. */
        public int sent() { return sent; }
    }

    /** The roster actor did not answer in time or refused to persist; nothing was recorded. */
    public static final class StateUnavailable extends RemailerException {
        public StateUnavailable(String message, Throwable cause) { super(message, cause); }
    }
}
