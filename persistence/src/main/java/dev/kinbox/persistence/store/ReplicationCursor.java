package dev.kinbox.persistence.store;

/**
 * How far this device has replicated one source (a sibling's SMA folder): the folder's UIDVALIDITY,
 * the last UID read, and the last sequence number of the author applied. Stored atomically with the
 * events it covers ({@link LocalLog#append}), so after a crash cursor and events agree.
 *
 * @param source         what is replicated, e.g. the author's persistence id or folder name
 * @param uidValidity    IMAP UIDVALIDITY of the folder when read
 * @param lastUid        last IMAP UID read
 * @param lastSequenceNr last sequence number applied from that source
 */
public record ReplicationCursor(String source, long uidValidity, long lastUid, long lastSequenceNr) {
    public ReplicationCursor {
        LevelDbKeys.requireName("source", source);
        if (uidValidity < 0 || lastUid < 0 || lastSequenceNr < 0) throw new StoreException("cursor values must be >= 0");
    }
}
