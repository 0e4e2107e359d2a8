package dev.kinbox.actors.embed;

/** Every failure the embedding API reports (as the cause of a failed CompletionStage, or thrown). */
public abstract sealed class KinboxException extends RuntimeException
        permits KinboxException.StateDirUnusable, KinboxException.Refused, KinboxException.Closed {
    KinboxException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The state directory or the device key in it cannot be created, read or written. */
    public static final class StateDirUnusable extends KinboxException {
        public StateDirUnusable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The device refused the request (the MUAA's error reply, e.g. a wrong pairing code or an invalid edit). */
    public static final class Refused extends KinboxException {
        public Refused(String message) {
            super(message, null);
        }
    }

    /** The device was closed. */
    public static final class Closed extends KinboxException {
        public Closed() {
            super("this Kinbox device is closed", null);
        }
    }
}
