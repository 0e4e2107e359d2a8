package dev.kinbox.journal;

import dev.kinbox.journal.mail.ImapMailStore;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.servers.DovecotServer;
import dev.kinbox.journal.mail.servers.GreenMailServer;
import dev.kinbox.journal.mail.servers.LocalImapServer;
import java.io.IOException;
import java.security.SecureRandom;
import org.junit.jupiter.api.Assumptions;

/** A started server plus one store on a fresh account; closing closes both. */
final class Servers implements AutoCloseable {
    final LocalImapServer server;
    final ImapMailStore store;

    private Servers(LocalImapServer server, String user) {
        this.server = server;
        this.store = ImapMailStore.connect(server.settings(server.addUser(user)));
    }

    static Servers greenMail() {
        return new Servers(GreenMailServer.start(new SecureRandom()), "journal");
    }

    /** Dovecot, or a skip (never a pass) where it is not installed. */
    static Servers dovecot() {
        boolean ok = DovecotServer.isInstalled();
        if (!ok) System.err.println("skipped: dovecot not installed");
        Assumptions.assumeTrue(ok, "skipped: dovecot not installed");
        try {
            return new Servers(DovecotServer.start(new SecureRandom()), "journal");
        } catch (IOException e) {
            throw new IllegalStateException("cannot start dovecot", e);
        }
    }

    MailStore store() { return store; }

    @Override public void close() {
        try {
            store.close();
        } finally {
            server.close();
        }
    }
}
