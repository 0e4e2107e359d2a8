package dev.kinbox.persistence;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One schema step for one persisted type: rewrites the CBOR tree of a {@code type} body written at
 * {@code fromVersion} into its {@code fromVersion + 1} form. Persisted names never change; fields
 * are added, renamed or defaulted here instead. {@link KinboxCodec} chains the steps.
 */
public interface Migration {
    /** The persisted type name ({@code "DevicePaired"}, or {@code "AccountState"} for snapshots). */
    String type();

    /** The version this step reads. */
    int fromVersion();

    /** The body at {@code fromVersion + 1}; may mutate and return {@code body}. */
    ObjectNode migrate(ObjectNode body);
}
