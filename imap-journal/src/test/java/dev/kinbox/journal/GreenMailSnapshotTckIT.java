package dev.kinbox.journal;

import dev.kinbox.journal.mail.MailStore;
import org.junit.jupiter.api.AfterAll;

/** The snapshot TCK cases on GreenMail. */
class GreenMailSnapshotTckIT extends SnapshotTck {
    private Servers servers;

    @Override synchronized MailStore store() {
        if (servers == null) servers = Servers.greenMail();
        return servers.store();
    }

    @AfterAll void stopServer() {
        if (servers != null) servers.close();
    }
}
