package dev.kinbox.simulator.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.ImapMailStore;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.Secret;
import dev.kinbox.journal.mail.servers.GreenMailServer;
import dev.kinbox.journal.sma.SmaFolders;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A run on an existing server: one pre-created user per account, {n} in the URL's user, the one password from the environment. */
class ImapAccountsTest {
    private static final Map<String, String> ENV = Map.of(Secret.ENV_PASSWORD, "pre-created-pw");
    private final GreenMailServer server = GreenMailServer.start(new SecureRandom());

    @AfterEach void stop() {
        server.close();
    }

    private String spec() {
        return "imap://sim{n}@127.0.0.1:" + server.port();
    }

    @Test void parse_replacesTheAccountNumberInTheUser_andKeepsHostPortAndPassword() {
        ImapAccounts a = ImapAccounts.parse(spec(), ENV);
        assertEquals("sim7", a.user(7));
        assertEquals("sim7", a.settings(7).user());
        assertEquals(server.port(), a.settings(7).port());
        assertTrue(ImapAccounts.isSpec("IMAP://x{n}@h:1") && !ImapAccounts.isSpec("greenmail"));
    }

    @Test void parse_refusesAUserWithoutThePlaceholder_aPasswordInTheUrl_andAMissingPassword() {
        IllegalArgumentException noN = assertThrows(IllegalArgumentException.class, () -> ImapAccounts.parse("imap://sim@127.0.0.1:143", ENV));
        assertTrue(noN.getMessage().contains("{n}"), noN.getMessage());
        IllegalArgumentException pw = assertThrows(IllegalArgumentException.class, () -> ImapAccounts.parse("imap://sim{n}:secret@127.0.0.1:143", ENV));
        assertFalse(pw.getMessage().contains("secret"), "the password is not echoed: " + pw.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImapAccounts.parse(spec(), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> AccountStores.check("imap://sim{n}@127.0.0.1", ENV), "no port");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> AccountStores.check("imaps-ish", ENV));
        assertTrue(unknown.getMessage().contains("not imaps-ish"), unknown.getMessage());
        IllegalArgumentException otherScheme = assertThrows(IllegalArgumentException.class, () -> AccountStores.check("imaps://u:secret@h:1", ENV));
        assertFalse(otherScheme.getMessage().contains("secret"), "the password is not echoed: " + otherScheme.getMessage());
    }

    @Test void prepare_refusesLeftSmaFolders_thenWipesOnlyThose() {
        server.addUser("sim0", "pre-created-pw");
        server.addUser("sim1", "pre-created-pw");
        ImapAccounts a = ImapAccounts.parse(spec(), ENV);
        assertEquals(0, a.prepare(2, false), "fresh accounts: nothing to do");
        try (MailStore s = ImapMailStore.connect(a.settings(1))) {
            s.createFolder(SmaFolders.ANNOUNCEMENTS);
            s.createFolder(SmaFolders.PREFIX + "0123456789abcdef");
            s.createFolder("Notes");
        }
        IllegalStateException left = assertThrows(IllegalStateException.class, () -> a.prepare(2, false));
        assertTrue(left.getMessage().contains("sim1") && left.getMessage().contains("--wipe-store"), left.getMessage());

        assertEquals(2, a.prepare(2, true));
        try (MailStore s = ImapMailStore.connect(a.settings(1))) {
            List<String> folders = s.listFolders();
            assertTrue(folders.stream().noneMatch(f -> f.startsWith(SmaFolders.ANNOUNCEMENTS)), folders.toString());
            assertTrue(folders.contains("Notes"), "other folders stay: " + folders);
        }
    }

    @Test void prepare_namesTheUserWhoseLoginFails() {
        server.addUser("sim0", "pre-created-pw");
        server.addUser("sim1", "another-pw");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ImapAccounts.parse(spec(), ENV).prepare(2, false));
        assertTrue(e.getMessage().startsWith("user sim1 on 127.0.0.1:" + server.port()), e.getMessage());
        assertFalse(e.getMessage().contains("pre-created-pw"), e.getMessage());
    }

    @Test void storesOnAnExistingServer_giveEachDeviceALoginOfItsAccount_andARestartStopsNothing() {
        server.addUser("sim3", "pre-created-pw");
        try (AccountStores stores = AccountStores.open(spec(), new SecureRandom(), ENV); MailStore device = stores.connect(3)) {
            assertEquals("imap", stores.kind());
            device.createFolder("Probe");
            stores.restart(3);
            assertTrue(device.listFolders().contains("Probe"), "the server still answers after a restart request");
            assertEquals(0, stores.messages(3).journal());
        }
    }
}
