package dev.kinbox.journal;

import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MemoryMailStore;

/** The snapshot store TCK cases on the in-memory mail store. */
class MemorySnapshotTckTest extends SnapshotTck {
    private final MemoryMailStore store = new MemoryMailStore();

    @Override MailStore store() { return store; }
}
