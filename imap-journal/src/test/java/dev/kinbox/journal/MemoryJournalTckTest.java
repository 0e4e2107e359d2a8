package dev.kinbox.journal;

import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MemoryMailStore;

/** The journal TCK cases on the in-memory mail store. */
class MemoryJournalTckTest extends JournalTck {
    private final MemoryMailStore store = new MemoryMailStore();

    @Override MailStore store() { return store; }
}
