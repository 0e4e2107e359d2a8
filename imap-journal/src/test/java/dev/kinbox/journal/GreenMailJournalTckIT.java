package dev.kinbox.journal;

import dev.kinbox.journal.mail.MailStore;
import org.junit.jupiter.api.AfterAll;

/** The journal TCK cases on GreenMail. */
class GreenMailJournalTckIT extends JournalTck {
    private Servers servers;

    @Override synchronized MailStore store() {
        if (servers == null) servers = Servers.greenMail();
        return servers.store();
    }

    @AfterAll void stopServer() {
        if (servers != null) servers.close();
    }
}
