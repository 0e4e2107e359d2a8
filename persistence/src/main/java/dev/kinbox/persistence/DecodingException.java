package dev.kinbox.persistence;

/**
 * Bytes that are not a valid Kinbox event or snapshot: malformed or truncated CBOR, an unknown type
 * or schema version, a value that breaks an invariant, or input over the size cap. Nothing was
 * decoded or applied.
 */
public final class DecodingException extends PersistenceException {
    public DecodingException(String message) {
        super(message, null);
    }

    public DecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
