package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.Keyring;
import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The provider as attacker against retirement notices: forged, altered or untrusted ones retire nobody. */
class RetireNoticeTest {
    private static final String ACCOUNT = "kai@example.org";
    private static final Crypto CRYPTO = Crypto.standard();
    /** The provider's own key: it never has a device key. */
    private static OpenPGPKey mallory;

    @BeforeAll static void providerKey() throws Exception {
        mallory = CRYPTO.generateKey("<mallory@kinbox.invalid>");
    }

    /** A notice that {@code retired} was removed, in {@code by}'s name, signed by the provider. */
    private static NewMessage forged(String retired, String by) throws Exception {
        return new RetireNotice(retired, by, System.currentTimeMillis(), RetireNotice.Reason.REMOVED).toMessage(mallory, List.of(), CRYPTO, Clock.systemUTC());
    }

    @Test void forgedAlteredAndUntrustedNotices_retireNobody_andForgedOnesAreCounted() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        List<Device> all = Accounts.paired(store, ACCOUNT, Clock.systemUTC(), RemovalTest.FAST_CHECK, 2);
        try {
            Device a = all.get(0), b = all.get(1);
            String malloryId = Keyring.deviceIdOf(mallory.toCertificate());
            // 1. a well-formed notice by a device nobody paired: passed over by a; refused by b, whom it names (no account key signed it)
            store.append(SmaFolders.ANNOUNCEMENTS, forged(b.id, malloryId));
            // 2. a notice in a's name, signed by mallory: refused and counted
            store.append(SmaFolders.ANNOUNCEMENTS, forged(b.id, a.id));
            // 3. a's genuine notice about another device, its header changed to name b: refused and counted
            NewMessage genuine = new RetireNotice(malloryId, a.id, System.currentTimeMillis(), RetireNotice.Reason.REMOVED)
                    .toMessage(a.key, List.of(), CRYPTO, Clock.systemUTC());
            String raw = new String(genuine.raw(), StandardCharsets.US_ASCII).replace("retired=" + malloryId, "retired=" + b.id);
            store.append(SmaFolders.ANNOUNCEMENTS, NewMessage.of(raw.getBytes(StandardCharsets.US_ASCII)));
            byte[] before = a.digest();

            // both forgeries are in a's name, so a deletes them once it refused them; b may find them gone first
            Eventually.until(a.id + " refuses the two forged notices", () -> a.stats().refusedAnnouncements() >= 2);
            Thread.sleep(500); // a few more checks
            assertEquals(2, a.stats().refusedAnnouncements(), "the untrusted author's notice is passed over, not counted");
            // b also checks notice 1, which names b, for a signature by the account key (a device paired after b
            // left would have one): it has none, so b refuses it too
            assertTrue(b.stats().refusedAnnouncements() <= 3, "each refused once at most");
            for (Device d : all) {
                assertEquals(DeviceStatus.PAIRED, d.state().devices().get(b.id).status(), "nobody retired");
                assertEquals(1, d.keyring.siblings().size());
            }
            assertArrayEquals(before, a.digest(), "nothing persisted");
            assertInstanceOf(StartOutcome.Running.class, b.start("device-1"), "b is not fooled at start either");
            assertTrue(b.<dev.kinbox.persistence.AccountEvent>askReply(r -> new Muaa.ChangeSetting("k", "v", r)).isSuccess());
        } finally {
            Accounts.closeAll(all);
        }
    }

    /**
     * Only the device named in a message can tell for sure that it did not write it; it deletes such
     * impostors - a notice forged in its name, its announcement altered - at its liveness check, and
     * leaves everything else: its own genuine messages, its siblings', and a stranger's notice (which
     * nobody trusts, and nobody can prove forged).
     */
    @Test void forgeriesInADevicesName_areDeletedByThatDevice_andNothingElseIs() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        List<Device> all = Accounts.paired(store, ACCOUNT, Clock.systemUTC(), RemovalTest.FAST_CHECK, 2);
        try {
            Device a = all.get(0), b = all.get(1);
            String malloryId = Keyring.deviceIdOf(mallory.toCertificate());
            List<String> before = messageIds(store);
            NewMessage genuine = new RetireNotice(malloryId, a.id, System.currentTimeMillis(), RetireNotice.Reason.REMOVED)
                    .toMessage(a.key, List.of(), CRYPTO, Clock.systemUTC());
            store.append(SmaFolders.ANNOUNCEMENTS, genuine); // a's own (about a device of no account): stays
            store.append(SmaFolders.ANNOUNCEMENTS, forged(malloryId, malloryId)); // a stranger's: stays
            store.append(SmaFolders.ANNOUNCEMENTS, forged(b.id, a.id)); // in a's name: a deletes it
            store.append(SmaFolders.ANNOUNCEMENTS, forged(a.id, b.id)); // in b's name: b deletes it
            store.append(SmaFolders.ANNOUNCEMENTS, alteredAnnouncement(store, a.id)); // a's announcement, its header altered: a deletes it
            List<String> kept = new java.util.ArrayList<>(before);
            kept.add(messageId(genuine.raw()));
            kept.add("<drop." + malloryId + ".retired-" + malloryId + ".type-retire@sma.kinbox.invalid>");

            Eventually.until("a and b delete what was forged in their names", () -> messageIds(store).size() == kept.size());
            Thread.sleep(500); // a few more checks
            assertEquals(new java.util.TreeSet<>(kept), new java.util.TreeSet<>(messageIds(store)), "the forgeries gone, nothing else");
            assertEquals(2, a.journalStats().impostorsDeleted.sum());
            assertEquals(1, b.journalStats().impostorsDeleted.sum());
            for (Device d : all) assertEquals(DeviceStatus.PAIRED, d.state().devices().get(b.id).status(), "nobody retired");
        } finally {
            Accounts.closeAll(all);
        }
    }

    /** The Message-IDs in {@code _Autocrypt_SMA}, one per message. */
    private static List<String> messageIds(MemoryMailStore store) {
        List<String> out = new java.util.ArrayList<>();
        for (var m : store.fetch(SmaFolders.ANNOUNCEMENTS, UidRange.all(), Fetch.HEADERS)) out.add(m.header("Message-ID").get(0));
        return out;
    }

    private static String messageId(byte[] raw) {
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("(?im)^Message-ID: (<[^>]+>)").matcher(new String(raw, StandardCharsets.US_ASCII));
        assertTrue(id.find());
        return id.group(1);
    }

    /** A copy of {@code deviceId}'s announcement with its header's {@code active} one later, so that it no longer matches the body. */
    private static NewMessage alteredAnnouncement(MemoryMailStore store, String deviceId) throws Exception {
        for (var m : store.fetch(SmaFolders.ANNOUNCEMENTS, UidRange.all(), Fetch.FULL)) {
            dev.kinbox.journal.sma.SmaHeader h = dev.kinbox.journal.sma.SmaMessage.header(m);
            if (h.kind() != dev.kinbox.journal.sma.SmaHeader.Kind.ANNOUNCE || !h.device().equals(deviceId)) continue;
            String active = h.attributes().get("active");
            String raw = new String(m.raw(), StandardCharsets.US_ASCII).replace("active=" + active, "active=" + (Long.parseLong(active) + 1));
            return NewMessage.of(raw.getBytes(StandardCharsets.US_ASCII));
        }
        throw new AssertionError("no announcement of " + deviceId);
    }

    /**
     * A notice carries a Message-ID made of its author and the device it names, so the provider can plant
     * one in a device's name before that device writes its own. Taken for the genuine one (the author looked
     * for the Message-ID only), it kept the remover's notice out for good, and the removed device, which
     * learns only from a notice, went on as if paired.
     */
    @Test void aNoticePlantedInTheRemoversName_doesNotKeepItsGenuineNoticeOut() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        // default timing: no liveness checks, so the only notice written is the removal's
        List<Device> all = Accounts.paired(store, ACCOUNT, Clock.systemUTC(), Device.FAST, 2);
        try {
            Device a = all.get(0), x = all.get(1);
            store.append(SmaFolders.ANNOUNCEMENTS, forged(x.id, a.id));

            assertEquals(x.id, a.<String>ask(r -> new Muaa.RemoveDevice(x.id, r)));

            assertEquals(List.of(x.id + " by " + a.id), RemovalTest.notices(store), "the remover's notice in place of the planted one");
            StartOutcome.Retired told = assertInstanceOf(StartOutcome.Retired.class, x.start("device-1"), "the removed device is told");
            assertTrue(told.reason().contains("removed by device " + a.id), told.reason());
        } finally {
            Accounts.closeAll(all);
        }
    }
}
