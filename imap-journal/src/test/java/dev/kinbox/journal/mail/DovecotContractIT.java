package dev.kinbox.journal.mail;

import dev.kinbox.journal.mail.servers.DovecotServer;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/** The contract on the installed Dovecot (skipped where it is not installed). */
class DovecotContractIT extends MailStoreContract {
    private DovecotServer server;
    private ImapMailStore store, second;

    @BeforeAll void start() throws Exception {
        DovecotFixture.assumeInstalled();
        server = DovecotServer.start(new SecureRandom());
        store = ImapMailStore.connect(server.settings(server.addUser("contract")));
        second = ImapMailStore.connect(server.settings(server.addUser("contract")));
    }

    @Override MailStore store() { return store; }

    @Override MailStore secondSession() { return second; }

    /** Measured: on maildir two sessions' UID MOVE of one message can both succeed (copy, then expunge). */
    @Override boolean exclusiveMove() { return false; }

    @AfterAll void stop() {
        if (second != null) second.close();
        if (store != null) store.close();
        if (server != null) server.close();
    }
}
