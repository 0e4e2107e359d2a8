package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.Keyring;
import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaFormatException;
import dev.kinbox.journal.sma.SmaHeader;
import dev.kinbox.journal.sma.SmaMessage;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The retirement roll (docs/PROTOCOL.md, "Retirement rolls"): on the wire (what verifies, what is refused), its author's
 * upkeep, and in an account of running devices.
 */
class RetireRollTest {
    private static final Crypto CRYPTO = Crypto.standard();
    private static OpenPGPKey author, accountKey, mallory;
    private static String authorId;
    private static final String X = "00000000000000aa", Y = "00000000000000bb", Z = "00000000000000cc";

    @BeforeAll static void keys() throws Exception {
        author = CRYPTO.generateKey("<device@kinbox.invalid>");
        accountKey = CRYPTO.generateKey("<kai@example.org>");
        mallory = CRYPTO.generateKey("<mallory@kinbox.invalid>");
        authorId = Keyring.deviceIdOf(author.toCertificate());
    }

    private static RetireRoll roll(String... retired) {
        return RetireRoll.of(authorId, 1_700_000_000_000L, List.of(retired)).orElseThrow();
    }

    /** {@code m} as the server would store and serve it. */
    private static StoredMessage stored(NewMessage m) throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        store.createFolder(SmaFolders.ANNOUNCEMENTS);
        store.append(SmaFolders.ANNOUNCEMENTS, m);
        return store.fetch(SmaFolders.ANNOUNCEMENTS, UidRange.all(), Fetch.FULL).get(0);
    }

    private static StoredMessage edited(NewMessage m, String from, String to) throws Exception {
        return stored(NewMessage.of(new String(m.raw(), StandardCharsets.US_ASCII).replace(from, to).getBytes(StandardCharsets.US_ASCII)));
    }

    @Test void roll_verifiesWithItsAuthorsCertificate_orAnAccountKeyItWasSignedWith() throws Exception {
        RetireRoll r = roll(Y, X);
        NewMessage m = r.toMessage(author, List.of(accountKey), CRYPTO, Clock.systemUTC());
        assertEquals("v=1; kind=drop; device=" + authorId + "; at=1700000000000; type=roll",
                SmaMessage.header(stored(m)).format(), "the header on the wire");
        assertEquals(r, RetireRoll.verify(stored(m), author.toCertificate(), CRYPTO));
        assertEquals(new TreeSet<>(List.of(X, Y)), RetireRoll.verify(stored(m), author.toCertificate(), CRYPTO).retired());
        assertEquals(r, RetireRoll.verifyByAccount(stored(m), List.of(accountKey.toCertificate()), CRYPTO));
    }

    @Test void forgedOrAlteredRolls_areRefused() throws Exception {
        NewMessage genuine = roll(X).toMessage(author, List.of(), CRYPTO, Clock.systemUTC());
        NewMessage forged = roll(X).toMessage(mallory, List.of(), CRYPTO, Clock.systemUTC());
        assertThrows(SmaFormatException.class, () -> RetireRoll.verify(stored(forged), author.toCertificate(), CRYPTO),
                "signed by the provider in the author's name");
        assertThrows(SmaFormatException.class, () -> RetireRoll.verifyByAccount(stored(genuine), List.of(accountKey.toCertificate()), CRYPTO),
                "no account key signed it");
        assertThrows(SmaFormatException.class, () -> RetireRoll.verify(edited(genuine, "at=1700000000000", "at=1700000000001"),
                author.toCertificate(), CRYPTO), "its header's time changed");
        assertThrows(SmaFormatException.class, () -> RetireRoll.verify(edited(genuine, "type=roll", "type=retire; retired=" + X),
                author.toCertificate(), CRYPTO), "made a notice");
    }

    @Test void malformedRollBodies_areRefusedWithATypedError() throws Exception {
        String head = RetireRoll.MAGIC + "\nBy: " + authorId + "\nAt: 5\n";
        assertEquals(Set.of(X, Y), RetireRoll.parse(head + "Retired: " + X + "," + Y + "\n").retired());
        for (String bad : List.of(head + "Retired: \n", head + "Retired: " + X + ",\n", head + "Retired: " + authorId + "\n",
                head + "Retired: ../INBOX\n", head + "Retired: " + X, head + "Retired: " + X + "\nMore: 1\n", "Kinbox-Roll: 2\n" + head.substring(15),
                head.replace("At: 5", "At: soon") + "Retired: " + X + "\n", head + "Retired: " + (X + ",").repeat(RetireRoll.MAX_IDS) + X + "\n")) {
            assertThrows(SmaFormatException.class, () -> RetireRoll.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> new RetireRoll(authorId, 1, new TreeSet<>()), "an empty roll is never written");
    }

    /**
     * A reader of the version before rolls took every message in {@code _Autocrypt_SMA} that is no notice for an
     * announcement: a roll does not verify as one, so such a reader refuses and counts it, and reads the rest - as this
     * version does with a kind of message a later one may add.
     */
    @Test void aReaderThatKnowsNoRolls_refusesOne_andReadsEverythingElse() throws Exception {
        NewMessage rollMessage = roll(X).toMessage(author, List.of(), CRYPTO, Clock.systemUTC());
        assertThrows(SmaFormatException.class, () -> Announcement.verify(stored(rollMessage), CRYPTO), "what the previous version did with it");

        MemoryMailStore store = new MemoryMailStore();
        LongAdder refused = new LongAdder();
        AnnouncementFolder reader = new AnnouncementFolder(store, CRYPTO, Z, new dev.kinbox.journal.JournalStats(), refused,
                ConcurrentHashMap.newKeySet(), new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
        reader.publish(Announcement.of(author, "laptop", 1_000L), author, Clock.systemUTC());
        store.append(SmaFolders.ANNOUNCEMENTS, rollMessage);
        NewMessage later = SmaMessage.build(SmaHeader.of(SmaHeader.Kind.DROP, authorId, Map.of("type", "tally")),
                CRYPTO.encryptAndSign("Kinbox-Tally: 1\n".getBytes(StandardCharsets.UTF_8), List.of(), List.of(author), false), Clock.systemUTC());
        store.append(SmaFolders.ANNOUNCEMENTS, later);
        Map<String, byte[]> trusted = Map.of(authorId, Announcement.encode(author.toCertificate()));
        for (int read = 0; read < 2; read++) {
            var contents = reader.readAll(trusted, Map.of(), List::of);
            assertEquals(Set.of(authorId), contents.announcements().keySet());
            assertEquals(List.of(roll(X)), contents.rolls());
            assertEquals(1, refused.sum(), "the unknown kind refused, once however often read");
        }
    }

    @Test void rollUpkeep_writesARollWhenTheRetiredSetGrew_andKeepsTheOneThatListsItAlone() {
        RetireRoll kept = roll(X);
        assertEquals(Optional.empty(), Liveness.rollUpkeep(authorId, 9, Set.of(), List.of(), List.of()), "nobody retired: no roll");
        assertEquals(Optional.of(RetireRoll.of(authorId, 9, List.of(X)).orElseThrow()),
                Liveness.rollUpkeep(authorId, 9, Set.of(X), List.of(), List.of()), "none yet, or deleted by the provider");
        assertEquals(Optional.empty(), Liveness.rollUpkeep(authorId, 9, Set.of(X), List.of(kept), List.of(4L)), "current and alone");
        assertEquals(Optional.of(kept), Liveness.rollUpkeep(authorId, 9, Set.of(X), List.of(kept), List.of(4L, 7L)),
                "current, beside an older one or an impostor: kept, the rest deleted");
        assertEquals(Optional.empty(), Liveness.rollUpkeep(authorId, 9, Set.of(X), List.of(kept, kept), List.of(4L, 7L)),
                "current, and a copy of it (a replay, same Message-ID): nothing to do, the copy says the same");
        assertEquals(Optional.of(RetireRoll.of(authorId, 9, List.of(X, Y)).orElseThrow()),
                Liveness.rollUpkeep(authorId, 9, Set.of(X, Y), List.of(kept), List.of(4L)), "the set grew");
        RetireRoll bySibling = RetireRoll.of(Z, 3, List.of(X, Y)).orElseThrow();
        assertEquals(Optional.of(RetireRoll.of(authorId, 9, List.of(X, Y)).orElseThrow()),
                Liveness.rollUpkeep(authorId, 9, Set.of(X, Y), List.of(bySibling), List.of()), "a sibling's roll is not this device's");
    }

    /** The retired devices on {@code author}'s roll in {@code store}, verified; empty when it has none. */
    static Set<String> rolls(MemoryMailStore store, Device author) {
        try {
            for (StoredMessage m : store.fetch(SmaFolders.ANNOUNCEMENTS, UidRange.all(), Fetch.FULL)) {
                SmaHeader h = SmaMessage.header(m);
                if (RetireRoll.isRoll(h) && h.device().equals(author.id)) return RetireRoll.verify(m, author.key.toCertificate(), CRYPTO).retired();
            }
            return Set.of();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many messages with a roll's header in {@code author}'s name {@code store}'s {@code _Autocrypt_SMA} holds. */
    static long rollCount(MemoryMailStore store, String author) {
        try {
            return store.fetch(SmaFolders.ANNOUNCEMENTS, UidRange.all(), Fetch.HEADERS).stream().map(m -> {
                try {
                    return SmaMessage.header(m);
                } catch (SmaFormatException e) {
                    return null;
                }
            }).filter(h -> h != null && RetireRoll.isRoll(h) && h.device().equals(author)).count();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deletes every message with a roll's header in {@code author}'s name from {@code store}'s {@code _Autocrypt_SMA}. */
    static void deleteRolls(MemoryMailStore store, String author) throws Exception {
        List<Long> uids = new java.util.ArrayList<>();
        for (StoredMessage m : store.fetch(SmaFolders.ANNOUNCEMENTS, UidRange.all(), Fetch.HEADERS)) {
            SmaHeader h = SmaMessage.header(m);
            if (RetireRoll.isRoll(h) && h.device().equals(author)) uids.add(m.uid());
        }
        store.delete(SmaFolders.ANNOUNCEMENTS, uids);
    }

    @Test void rollOfMoreThanItsLimit_listsTheFirstIdsInOrder() {
        List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i < RetireRoll.MAX_IDS + 5; i++) many.add(String.format("%016x", i + 1));
        RetireRoll r = RetireRoll.of(authorId, 1, many).orElseThrow();
        assertEquals(RetireRoll.MAX_IDS, r.retired().size());
        assertEquals(String.format("%016x", RetireRoll.MAX_IDS), r.retired().last());
        assertTrue(RetireRoll.of(authorId, 1, List.of(authorId)).isEmpty(), "its author is never on its roll");
    }

    @Test void eachSiblingsRoll_listsTheDevicesItsStateHoldsRetired_andGoesWithItsAuthor() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        List<Device> all = Accounts.paired(store, "ria@example.org", Clock.systemUTC(), RemovalTest.FAST_CHECK, 3);
        try {
            Device a = all.get(0), b = all.get(1), x = all.get(2);
            assertEquals(0, rollCount(store, a.id) + rollCount(store, b.id), "nobody retired: no roll");
            assertEquals(x.id, a.<String>ask(r -> new Muaa.RemoveDevice(x.id, r)));
            Eventually.until("a's roll lists x", () -> rolls(store, a).equals(Set.of(x.id)));
            Eventually.until("b learns the removal and lists x too", () -> rolls(store, b).equals(Set.of(x.id)));

            assertEquals(b.id, b.<String>ask(r -> new Muaa.RemoveDevice(b.id, true, r))); // b leaves
            Eventually.until("a lists b too", () -> rolls(store, a).equals(Set.of(x.id, b.id)));
            Eventually.until("b's roll is gone with it", () -> rollCount(store, b.id) == 0);
            Thread.sleep(500); // several more checks of a
            assertEquals(1, rollCount(store, a.id), "one roll per author: the older one replaced");
            assertEquals(0, rollCount(store, b.id));
        } finally {
            Accounts.closeAll(all);
        }
    }

    @Test void forgedRolls_retireNobody_andOneInADevicesNameIsDeletedByIt() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        List<Device> all = Accounts.paired(store, "ria@example.org", Clock.systemUTC(), RemovalTest.FAST_CHECK, 2);
        try {
            Device a = all.get(0), b = all.get(1);
            String malloryId = Keyring.deviceIdOf(mallory.toCertificate());
            // in a's name listing b, signed by the provider; and a stranger's listing b, with no account key's signature
            store.append(SmaFolders.ANNOUNCEMENTS, RetireRoll.of(a.id, 5, List.of(b.id)).orElseThrow().toMessage(mallory, List.of(), CRYPTO, Clock.systemUTC()));
            store.append(SmaFolders.ANNOUNCEMENTS, RetireRoll.of(malloryId, 5, List.of(b.id)).orElseThrow().toMessage(mallory, List.of(mallory), CRYPTO, Clock.systemUTC()));
            Eventually.until("a deletes the roll forged in its name", () -> rollCount(store, a.id) == 0 && a.journalStats().impostorsDeleted.sum() == 1);
            Eventually.until("b refuses the stranger's", () -> b.stats().refusedAnnouncements() >= 1);
            Thread.sleep(500); // several more checks
            for (Device d : all) {
                assertEquals(DeviceStatus.PAIRED, d.state().devices().get(b.id).status(), "nobody retired");
                assertTrue(d.<Optional<String>>ask(Muaa.GetRetirement::new).isEmpty());
            }
            assertEquals(1, rollCount(store, malloryId), "a stranger's message stays: nobody can prove it forged");
        } finally {
            Accounts.closeAll(all);
        }
    }
}
