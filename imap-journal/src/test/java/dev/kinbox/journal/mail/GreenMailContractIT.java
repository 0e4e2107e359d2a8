package dev.kinbox.journal.mail;

import dev.kinbox.journal.mail.servers.GreenMailServer;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract on GreenMail in this JVM (no MULTIAPPEND, no CONDSTORE). */
class GreenMailContractIT extends MailStoreContract {
    private GreenMailServer server;
    private ImapMailStore store, second;

    @BeforeAll void start() {
        server = GreenMailServer.start(new SecureRandom());
        store = ImapMailStore.connect(server.settings(server.addUser("contract")));
        second = ImapMailStore.connect(server.settings(server.addUser("contract")));
    }

    @Override MailStore store() { return store; }

    @Override MailStore secondSession() { return second; }

    /** Measured: GreenMail's CREATE checks, then creates without a lock; two sessions can both succeed. */
    @Override boolean exclusiveCreate() { return false; }

    @Override boolean moveMayDropTheLoser() { return true; }

    @Override void beforeRecreate() throws InterruptedException {
        Thread.sleep(1100);
    }

    @org.junit.jupiter.api.Test
    void imapUrlSpec_opensAStoreOnTheSameAccount() {
        var account = server.addUser("contract");
        var env = java.util.Map.of(Secret.ENV_PASSWORD, account.password().reveal());
        try (MailStores.Running r = MailStores.open("imap://contract@127.0.0.1:" + server.port(), env)) {
            String f = freshFolder();
            org.junit.jupiter.api.Assertions.assertTrue(r.store().listFolders().contains(f));
        }
    }

    /**
     * A DELETE of a folder that a closed store had selected and watched works. GreenMail 2.1.7 kept such
     * a session registered and failed the DELETE (this test failed there until stores deselected before
     * LOGOUT); 2.1.13 copes either way, so this now guards the server and the store together.
     */
    @org.junit.jupiter.api.Test
    void deleteFolder_thatAClosedStoreHadSelectedAndWatched_succeeds() throws Exception {
        String f = freshFolder();
        try (ImapMailStore other = ImapMailStore.connect(server.settings(server.addUser("contract")))) {
            other.append(f, Msgs.of("read and watched by a store that then closes"));
            org.junit.jupiter.api.Assertions.assertEquals(1, other.fetch(f, UidRange.all(), Fetch.HEADERS).size());
            try (Watch w = other.watch(f, e -> { })) {
                org.junit.jupiter.api.Assertions.assertNotNull(w.mode());
            }
        }
        store.deleteFolder(f);
        org.junit.jupiter.api.Assertions.assertFalse(store.listFolders().contains(f));
    }

    @AfterAll void stop() {
        if (second != null) second.close();
        if (store != null) store.close();
        if (server != null) server.close();
    }
}
