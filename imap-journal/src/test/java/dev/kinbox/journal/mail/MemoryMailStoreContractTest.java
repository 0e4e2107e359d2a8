package dev.kinbox.journal.mail;

import org.junit.jupiter.api.AfterAll;

/** The contract on the in-memory store. */
class MemoryMailStoreContractTest extends MailStoreContract {
    private final MemoryMailStore store = new MemoryMailStore();

    @Override MailStore store() { return store; }

    @AfterAll void close() { store.close(); }
}
