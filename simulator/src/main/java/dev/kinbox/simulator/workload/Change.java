package dev.kinbox.simulator.workload;

/** One user edit on a device: what the virtual user asked for. */
public sealed interface Change {
    /** Set account setting {@code key} to {@code value}. */
    record SetSetting(String key, String value) implements Change {}

    /** Create contact {@code contactId}. */
    record CreateContact(String contactId) implements Change {}

    /** Set {@code field} of contact {@code contactId} to {@code value}. */
    record EditContact(String contactId, String field, String value) implements Change {}
}
