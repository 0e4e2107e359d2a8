package dev.kinbox.persistence;

/**
 * Marker for everything Kinbox persists or sends through Jackson CBOR (events and snapshots; the
 * actors module binds its messages to the same marker). Only types carrying it pass the
 * {@link KinboxCodec}.
 */
public interface CborSerializable {
}
