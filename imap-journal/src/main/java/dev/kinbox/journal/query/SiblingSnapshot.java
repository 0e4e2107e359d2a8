package dev.kinbox.journal.query;

/**
 * Emitted by {@code eventsByPersistenceId} in place of events the reader cannot get one by one
 * because the author compacted them away (or the folder's UIDVALIDITY changed, or entries were
 * withheld): the author's snapshot, verified like any entry. The envelope's sequence number is
 * {@code sequenceNr}; a consumer merges the snapshot's state (merging is idempotent for Kinbox's
 * δ-CRDT state) and carries on with the events after it. A snapshot that heals a reported gap may
 * arrive after events with higher numbers.
 *
 * @param persistenceId the author's persistence id
 * @param sequenceNr    the last event the snapshot covers
 * @param snapshot      the deserialized snapshot
 */
public record SiblingSnapshot(String persistenceId, long sequenceNr, Object snapshot) {}
