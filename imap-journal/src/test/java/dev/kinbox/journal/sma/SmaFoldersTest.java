package dev.kinbox.journal.sma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class SmaFoldersTest {
    private static final String DEVICE = "0123456789abcdef";

    @Test
    void devicePersistenceId_mapsToTheDeviceFolder() throws Exception {
        String pid = SmaFolders.devicePersistenceId("alice@example.org", DEVICE);
        assertEquals("sma|alice@example.org|" + DEVICE, pid);
        assertEquals("_Autocrypt_SMA_" + DEVICE, SmaFolders.folderFor(pid));
        assertEquals(pid, SmaFolders.persistenceIdOf("_Autocrypt_SMA_" + DEVICE, "alice@example.org"));
    }

    @Test
    void otherPersistenceIds_areEncodedIntoImapSafeFirstLevelNames() throws Exception {
        String folder = SmaFolders.folderFor("Remailer/List.Roster|1");
        assertTrue(folder.matches("[A-Za-z0-9_-]+"), folder);
        assertFalse(folder.contains("/") || folder.contains("."), folder);
        assertEquals("_Autocrypt_SMA_x__52emailer_2f_4cist_2e_52oster_7c1", folder);
        assertEquals("Remailer/List.Roster|1", SmaFolders.persistenceIdOf(folder, "ignored"));
    }

    @Test
    void malformedDeviceIds_areNotDeviceJournals() {
        assertTrue(SmaFolders.deviceOf("sma|acc|0123456789ABCDEF").isEmpty());
        assertTrue(SmaFolders.deviceOf("sma||" + DEVICE).isEmpty());
        assertTrue(SmaFolders.deviceOf("sma|" + DEVICE).isEmpty());
        assertThrows(SmaFormatException.class, () -> SmaFolders.deviceFolder("xyz"));
    }

    @Test
    void decoding_rejectsAliasesAndGarbage() {
        // "_61" spells 'a', which is always written as itself: accepting it would let two folders name one journal.
        assertThrows(SmaFormatException.class, () -> SmaFolders.persistenceIdOf("_Autocrypt_SMA_x__61", "a"));
        assertThrows(SmaFormatException.class, () -> SmaFolders.persistenceIdOf("_Autocrypt_SMA_x_ab_4", "a"));
        assertThrows(SmaFormatException.class, () -> SmaFolders.persistenceIdOf("_Autocrypt_SMA_x_A", "a"));
        assertThrows(SmaFormatException.class, () -> SmaFolders.persistenceIdOf("_Autocrypt_SMA_x__ff", "a"));
        assertThrows(SmaFormatException.class, () -> SmaFolders.persistenceIdOf("INBOX", "a"));
        assertThrows(SmaFormatException.class, () -> SmaFolders.persistenceIdOf("_Autocrypt_SMA_xyz", "a"));
    }

    @Test
    void overlongPersistenceIds_areRefused() {
        assertThrows(SmaFormatException.class, () -> SmaFolders.folderFor("Z".repeat(100)));
    }

    // 12 characters of up to 4 UTF-8 bytes, each escaped as 3 characters, stay under the 200-character cap.
    @Property(tries = 2000)
    void anyPersistenceId_roundTripsThroughItsFolder(@ForAll @StringLength(min = 1, max = 12) String pid) throws Exception {
        String folder = SmaFolders.folderFor(pid);
        assertTrue(folder.length() <= SmaFolders.MAX_FOLDER_LENGTH);
        assertTrue(folder.matches("[A-Za-z0-9_-]+"), folder);
        assertEquals(pid, SmaFolders.persistenceIdOf(folder, "acc"));
    }
}
