package dev.kinbox.persistence.store;

import dev.kinbox.persistence.PersistenceException;

/** The local store refused a request (bad argument, sequence going backwards) or failed (I/O). */
public final class StoreException extends PersistenceException {
    public StoreException(String message) {
        super(message, null);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
