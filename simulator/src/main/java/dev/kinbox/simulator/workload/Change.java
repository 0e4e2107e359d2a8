package dev.kinbox.simulator.workload;

/** One user edit on a device: what the virtual user asked for. */
public sealed interface Change {
    /** Set account setting {@code key} to {@code value}. */
    record SetSetting(String key, String value) implements Change {}

    /** Create contact {@code contactId}. */
    record CreateContact(String contactId) implements Change {}

    /** Set {@code field} of contact {@code contactId} to {@code value}. */
    record EditContact(String contactId, String field, String value) implements Change {}

    /**
     * A mail arrives from peer {@code peer} (0-based, of a small per-run pool) carrying an Autocrypt
     * header with that peer's key number {@code keyGeneration} (a higher number: the peer rotated its
     * key), {@code mutual} its prefer-encrypt. The device records what it learns about the peer.
     */
    record IncomingMail(int peer, int keyGeneration, boolean mutual) implements Change {}
}
