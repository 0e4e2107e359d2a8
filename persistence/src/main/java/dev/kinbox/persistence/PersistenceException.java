package dev.kinbox.persistence;

/** Root of the persistence module's errors: bad bytes ({@link DecodingException}) and store failures. */
public class PersistenceException extends RuntimeException {
    public PersistenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
