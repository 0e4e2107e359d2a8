package dev.kinbox.simulator.trace;

import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;

/**
 * One entry of a device's journal (what its MUAA persisted), at sequence number {@code seq}: an
 * {@link AccountEvent} it applied (its own or a sibling's) or a whole {@link AccountState} it merged
 * (a sibling's snapshot or a state learned at pairing).
 */
public sealed interface JournalEntry {
    long seq();

    /** An event applied with {@link AccountState#apply}. */
    record Applied(long seq, AccountEvent event) implements JournalEntry {}

    /** A state merged with {@link AccountState#join}. */
    record Merged(long seq, AccountState state) implements JournalEntry {}
}
