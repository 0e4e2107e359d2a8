package dev.kinbox.persistence.store;

/**
 * A snapshot of one persistence id up to a sequence number (the payload is opaque here; the
 * account state's is {@code KinboxCodec.encode(AccountState)}).
 *
 * @param sequenceNr     the last event the snapshot covers
 * @param timestampMillis when it was taken
 * @param payload        serialized snapshot, treat as read-only
 */
public record StoredSnapshot(long sequenceNr, long timestampMillis, byte[] payload) {
    public StoredSnapshot {
        if (sequenceNr < 0) throw new StoreException("snapshot sequence number must be >= 0");
        if (payload == null) throw new StoreException("snapshot payload missing");
    }
}
