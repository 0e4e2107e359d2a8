package dev.kinbox.journal.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kinbox.journal.mail.servers.DovecotServer;
import dev.kinbox.journal.mail.servers.GreenMailServer;
import dev.kinbox.journal.mail.servers.LocalImapServer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link LocalImapServer#restart}: same port, same users and mail, every connection drops and clients get back in. */
class LocalImapServerRestartIT {
    @Test
    void restart_ofGreenMail_keepsPortUsersAndMail() throws Exception {
        try (LocalImapServer server = GreenMailServer.start(new SecureRandom())) {
            restartKeepsEverything(server);
        }
    }

    @Test
    void restart_ofDovecot_keepsPortUsersAndMail() throws Exception {
        if (!DovecotServer.isInstalled()) System.out.println("skipped: dovecot is not installed");
        assumeTrue(DovecotServer.isInstalled(), "skipped: dovecot is not installed");
        try (LocalImapServer server = DovecotServer.start(new SecureRandom())) {
            restartKeepsEverything(server);
        }
    }

    private static void restartKeepsEverything(LocalImapServer server) throws Exception {
        LocalImapServer.Account a = server.addUser("restarted");
        int port = server.port();
        byte[] raw = "Subject: kept\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8);
        try (ImapMailStore before = ImapMailStore.connect(server.settings(a))) {
            before.createFolder("Kept");
            before.append("Kept", List.of(NewMessage.of(raw)));
            server.restart();
            assertEquals(port, server.port());
            try (ImapMailStore after = ImapMailStore.connect(server.settings(a))) {
                assertEquals(1, after.status("Kept").messages(), "the mail survived the restart");
            }
            // the client from before the restart gets back in (its first tries may see the dropped connection)
            long deadline = System.nanoTime() + 30_000_000_000L;
            Long messages = null;
            for (int i = 0; i < 300 && messages == null && System.nanoTime() < deadline; i++) {
                try {
                    messages = before.status("Kept").messages();
                } catch (MailStoreException.ConnectionLost e) {
                    Thread.sleep(100);
                }
            }
            assertTrue(messages != null && messages == 1, "the old client did not get back in: " + messages);
        }
    }
}
