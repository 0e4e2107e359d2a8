package dev.kinbox.journal.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Store specs and password sources: parsed strictly, secrets never shown. */
class MailStoresTest {
    private static final Map<String, String> ENV = Map.of(Secret.ENV_PASSWORD, "s3cret-pass");

    @Test
    void imapUrl_withTlsOption_isParsed() {
        ImapSettings s = MailStores.parseUrl("imap://alice@127.0.0.1:1143?tls=starttls", ENV);
        assertEquals("127.0.0.1", s.host());
        assertEquals(1143, s.port());
        assertEquals("alice", s.user());
        assertEquals(ImapSettings.TlsMode.STARTTLS, s.tls());
        assertEquals(ImapSettings.TlsMode.NONE, MailStores.parseUrl("imap://alice@h:1", ENV).tls());
    }

    @Test
    void badSpecs_areInvalidRequest() {
        for (String bad : new String[] {"imap://alice:pw@h:143", "imap://h:143", "imap://alice@h", "pop3://a@h:1",
                "imap://alice@h:143?tls=maybe", "imap://alice@h:143?x=1", "nonsense store"}) {
            assertThrows(MailStoreException.InvalidRequest.class, () -> MailStores.open(bad, ENV), bad);
        }
    }

    @Test
    void missingPassword_isAuthFailed_naming_theVariables() {
        MailStoreException e = assertThrows(MailStoreException.AuthFailed.class, () -> MailStores.parseUrl("imap://a@h:1", Map.of()));
        assertTrue(e.getMessage().contains(Secret.ENV_PASSWORD_FILE));
    }

    @Test
    void passwordFile_firstLineIsUsed_andNeverPrinted(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("pw");
        Files.writeString(f, "from-file-pass\nignored\n");
        ImapSettings s = MailStores.parseUrl("imap://a@h:1", Map.of(Secret.ENV_PASSWORD_FILE, f.toString()));
        assertEquals("from-file-pass", s.password().reveal());
        assertFalse(s.toString().contains("from-file-pass"));
        assertFalse(s.password().toString().contains("from-file-pass"));
    }

    @Test
    void oversizedPasswordFile_isRefused(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("pw");
        Files.writeString(f, "x".repeat(5000));
        assertThrows(MailStoreException.InvalidRequest.class,
                () -> MailStores.parseUrl("imap://a@h:1", Map.of(Secret.ENV_PASSWORD_FILE, f.toString())));
    }

    @Test
    void memorySpec_opensAWorkingStore() {
        try (MailStores.Running r = MailStores.open("memory", Map.of())) {
            assertEquals("memory", r.name());
            r.store().createFolder("X");
            assertTrue(r.store().listFolders().contains("X"));
        }
    }
}
