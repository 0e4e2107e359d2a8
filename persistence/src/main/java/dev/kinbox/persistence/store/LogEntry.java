package dev.kinbox.persistence.store;

/**
 * One stored event: its sequence number in its persistence id and the opaque serialized payload.
 * The array is not copied; treat it as read-only.
 *
 * @param sequenceNr 1, 2, 3, ... within the persistence id
 * @param payload    serialized event (the journal decides the format)
 */
public record LogEntry(long sequenceNr, byte[] payload) {
    public LogEntry {
        if (sequenceNr < 1) throw new StoreException("sequence numbers start at 1, got " + sequenceNr);
        if (payload == null) throw new StoreException("payload missing");
    }
}
