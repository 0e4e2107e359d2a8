package dev.kinbox.journal.mail;

import dev.kinbox.journal.mail.servers.GreenMailServer;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract on GreenMail in this JVM (no MULTIAPPEND, no CONDSTORE). */
class GreenMailContractIT extends MailStoreContract {
    private GreenMailServer server;
    private ImapMailStore store;

    @BeforeAll void start() {
        server = GreenMailServer.start(new SecureRandom());
        store = ImapMailStore.connect(server.settings(server.addUser("contract")));
    }

    @Override MailStore store() { return store; }

    @Override void beforeRecreate() throws InterruptedException {
        Thread.sleep(1100);
    }

    @AfterAll void stop() {
        if (store != null) store.close();
        if (server != null) server.close();
    }
}
