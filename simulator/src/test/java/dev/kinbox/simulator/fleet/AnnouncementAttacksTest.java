package dev.kinbox.simulator.fleet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.journal.Keyring;
import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaHeader;
import dev.kinbox.journal.sma.SmaMessage;
import dev.kinbox.simulator.workload.HostileAct;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The provider's acts on {@code _Autocrypt_SMA}: what each leaves in the folder. */
class AnnouncementAttacksTest {
    private static final Crypto CRYPTO = Crypto.standard();
    private static final String FOLDER = SmaFolders.ANNOUNCEMENTS;
    private static OpenPGPKey victimKey;
    private static String victimId;
    private static String siblingId;

    @BeforeAll
    static void keys() throws Exception {
        victimKey = CRYPTO.generateKey("<d0@kinbox.invalid>");
        victimId = Keyring.deviceIdOf(victimKey.toCertificate());
        siblingId = Keyring.deviceIdOf(CRYPTO.generateKey("<d1@kinbox.invalid>").toCertificate());
    }

    /** A provider that did {@code forge} about the victim twice in {@code store}, after finding no folder to act on the first time. */
    private static AnnouncementAttacks forgedTwice(MemoryMailStore store, HostileAct forge) throws Exception {
        AnnouncementAttacks provider = attacks();
        assertFalse(provider.act(ProviderAccess.of(store), victimId, List.of(siblingId), forge), "no folder yet: nothing to act on");
        store.createFolder(FOLDER);
        assertTrue(provider.act(ProviderAccess.of(store), victimId, List.of(siblingId), forge));
        assertTrue(provider.act(ProviderAccess.of(store), victimId, List.of(siblingId), forge));
        return provider;
    }

    /** The signed text of {@code m}, which the victim's key did not sign. */
    private static String notSignedByTheVictim(StoredMessage m) throws Exception {
        byte[] body = SmaMessage.body(m, 1 << 16);
        assertThrows(CryptoException.class, () -> Crypto.requireSigned(CRYPTO.decryptAndVerify(body, List.of(), List.of(victimKey.toCertificate())),
                victimKey.toCertificate()), "signed by the victim");
        return new String(CRYPTO.decryptAndVerify(body, List.of(), List.of()).plaintext(), StandardCharsets.UTF_8);
    }

    @Test
    void forgedNotices_nameTheVictim_inItsOwnNameAndThenASiblings_withASignatureNeitherMade_andAreDeletedNewestFirst() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        AnnouncementAttacks provider = forgedTwice(store, HostileAct.FORGE_NOTICE);
        List<String> authors = new ArrayList<>();
        for (StoredMessage m : all(store)) {
            SmaHeader h = SmaMessage.header(m);
            assertEquals(SmaHeader.Kind.DROP, h.kind());
            assertEquals(Map.of("type", "retire", "retired", victimId), h.attributes());
            authors.add(h.device());
            String text = notSignedByTheVictim(m);
            assertTrue(text.startsWith("Kinbox-Retire: 1\nDevice: " + victimId + "\nBy: " + h.device() + "\n"), text);
        }
        assertEquals(List.of(victimId, siblingId), authors, "the victim's own name first (left), then a sibling's (removed)");

        assertFalse(provider.act(ProviderAccess.of(store), siblingId, List.of(), HostileAct.DELETE_NOTICE), "no notice names the sibling");
        long newest = all(store).get(1).uid();
        assertTrue(provider.act(ProviderAccess.of(store), victimId, List.of(), HostileAct.DELETE_NOTICE));
        assertEquals(1, all(store).size());
        assertTrue(all(store).stream().noneMatch(m -> m.uid() == newest), "the newest notice naming the victim went");
        assertTrue(provider.act(ProviderAccess.of(store), victimId, List.of(), HostileAct.DELETE_NOTICE));
        assertFalse(provider.act(ProviderAccess.of(store), victimId, List.of(), HostileAct.DELETE_NOTICE), "none left");
    }

    @Test
    void forgedRolls_inTheVictimsNameListItsSiblings_thenInASiblingsListTheVictim_andTheVictimsOwnRollIsDeleted() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        AnnouncementAttacks provider = forgedTwice(store, HostileAct.FORGE_ROLL);
        List<String> listed = new ArrayList<>();
        for (StoredMessage m : all(store)) {
            SmaHeader h = SmaMessage.header(m);
            assertEquals("roll", h.attributes().get("type"));
            String text = notSignedByTheVictim(m);
            assertEquals("Kinbox-Roll: 1\nBy: " + h.device() + "\nAt: " + h.attributes().get("at") + "\nRetired: ", text.substring(0, text.lastIndexOf(' ') + 1));
            listed.add(h.device() + " lists " + text.substring(text.lastIndexOf(' ') + 1).strip());
        }
        assertEquals(List.of(victimId + " lists " + siblingId, siblingId + " lists " + victimId), listed);

        assertTrue(provider.act(ProviderAccess.of(store), victimId, List.of(), HostileAct.DELETE_ROLL), "the roll in the victim's name");
        assertEquals(1, all(store).size());
        assertEquals(siblingId, SmaMessage.header(all(store).get(0)).device(), "the sibling's stays");
        assertFalse(provider.act(ProviderAccess.of(store), victimId, List.of(), HostileAct.DELETE_ROLL), "none left");
    }

    @Test
    void theVictimsAnnouncement_isAltered_thenTheOriginalReplayed_thenDeleted_andReplayedOnceNoneIsLeft() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        store.createFolder(FOLDER);
        byte[] original = SmaMessage.build(SmaHeader.of(SmaHeader.Kind.ANNOUNCE, victimId, Map.of("active", "1")),
                "a signed announcement".getBytes(StandardCharsets.US_ASCII), Clock.systemUTC()).raw();
        store.append(FOLDER, dev.kinbox.journal.mail.NewMessage.of(original));
        AnnouncementAttacks provider = attacks();
        ProviderAccess access = ProviderAccess.of(store);

        assertFalse(provider.act(access, victimId, List.of(), HostileAct.REPLAY_ANNOUNCE), "nothing older than what is there");
        assertTrue(provider.act(access, victimId, List.of(), HostileAct.ALTER_ANNOUNCE));
        assertEquals(1, all(store).size());
        assertFalse(java.util.Arrays.equals(original, all(store).get(0).raw()), "altered");
        assertTrue(provider.act(access, victimId, List.of(), HostileAct.REPLAY_ANNOUNCE));
        assertEquals(2, all(store).size());
        assertArrayEquals(original, all(store).get(1).raw(), "the announcement first seen, stored again");
        assertTrue(provider.act(access, victimId, List.of(), HostileAct.DELETE_ANNOUNCE));
        assertTrue(provider.act(access, victimId, List.of(), HostileAct.DELETE_ANNOUNCE));
        assertEquals(List.of(), all(store));
        assertFalse(provider.act(access, victimId, List.of(), HostileAct.DELETE_ANNOUNCE), "none left: nothing to act on");
        assertTrue(provider.act(access, victimId, List.of(), HostileAct.REPLAY_ANNOUNCE), "a deleted announcement comes back");
        assertArrayEquals(original, all(store).get(0).raw());
        assertFalse(provider.act(access, siblingId, List.of(), HostileAct.ALTER_ANNOUNCE), "a device that never announced itself");
    }

    private static AnnouncementAttacks attacks() throws Exception {
        return new AnnouncementAttacks(CRYPTO, Clock.systemUTC(), CRYPTO.generateKey("<provider@kinbox.invalid>"));
    }

    private static List<StoredMessage> all(MemoryMailStore store) {
        return store.fetch(FOLDER, UidRange.all(), Fetch.FULL);
    }
}
