package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.sma.SmaFolders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.Test;

/** Announcements verified once are reused while their bytes are unchanged; a message altered in place is verified again and refused. */
class AnnouncementCacheTest {
    /** A reader of {@code store}'s announcement folder, as a device that is none of the announcing ones. */
    static AnnouncementFolder folder(dev.kinbox.journal.mail.MailStore store, LongAdder refused, Map<String, Announcement> verified) {
        return new AnnouncementFolder(store, Crypto.standard(), "0000000000000000", new dev.kinbox.journal.JournalStats(), refused,
                ConcurrentHashMap.newKeySet(), verified, new ConcurrentHashMap<>());
    }

    @Test void unchangedAnnouncement_isReusedAcrossReads_butOneAlteredInPlaceIsRefused() throws Exception {
        Crypto crypto = Crypto.standard();
        MemoryMailStore store = new MemoryMailStore();
        OpenPGPKey key = crypto.generateKey("<device@kinbox.invalid>");
        LongAdder refused = new LongAdder();
        Map<String, Announcement> verified = new ConcurrentHashMap<>();
        AnnouncementFolder folder = folder(store, refused, verified);
        Announcement a = Announcement.of(key, "laptop", 1_000L);
        folder.publish(a, key, Clock.systemUTC());

        Map<String, Announcement> first = folder.readAll(Map.of()).announcements();
        assertEquals(java.util.Set.of(a.deviceId()), first.keySet());
        assertEquals(1_000L, first.get(a.deviceId()).activeAt());
        assertEquals(1, verified.size(), "the verified announcement is kept");
        Announcement cached = verified.values().iterator().next();
        assertTrue(cached == folder.readAll(Map.of()).announcements().get(a.deviceId()), "the second read reuses the verification");

        long uid = store.fetch(SmaFolders.ANNOUNCEMENTS, UidRange.all(), Fetch.FULL).get(0).uid();
        store.faults().alter(SmaFolders.ANNOUNCEMENTS, uid, AnnouncementCacheTest::flipMiddleOfBody);
        assertTrue(folder.readAll(Map.of()).announcements().isEmpty(), "the altered bytes are verified again, and fail");
        assertEquals(1, refused.sum());
        assertTrue(verified.isEmpty(), "what is no longer in the folder is forgotten");
    }

    @Test void twoDevicesSharingVerifiedAnnouncements_verifyEachAnnouncementOnce() throws Exception {
        Crypto crypto = Crypto.standard();
        MemoryMailStore store = new MemoryMailStore();
        OpenPGPKey key = crypto.generateKey("<device@kinbox.invalid>");
        VerifiedAnnouncements shared = VerifiedAnnouncements.forOneAccount();
        AnnouncementFolder laptop = folder(store, new LongAdder(), shared.byDigest());
        AnnouncementFolder phone = folder(store, new LongAdder(), shared.byDigest());
        laptop.publish(Announcement.of(key, "laptop", 1_000L), key, Clock.systemUTC());
        Announcement byLaptop = laptop.readAll(Map.of()).announcements().values().iterator().next();
        assertTrue(byLaptop == phone.readAll(Map.of()).announcements().get(byLaptop.deviceId()),
                "the phone reuses the laptop's verification instead of verifying again");
        assertEquals(1, shared.byDigest().size());
    }

    @Test void anAnnouncementComingBackBlank_isPassedOver_notRefused() throws Exception {
        Crypto crypto = Crypto.standard();
        MemoryMailStore store = new MemoryMailStore();
        OpenPGPKey key = crypto.generateKey("<device@kinbox.invalid>");
        folder(store, new LongAdder(), new ConcurrentHashMap<>())
                .publish(Announcement.of(key, "laptop", 1_000L), key, Clock.systemUTC());
        LongAdder refused = new LongAdder();
        BlankOnce blanking = new BlankOnce(store, SmaFolders.ANNOUNCEMENTS); // replaced by its author while we fetched
        AnnouncementFolder folder = folder(blanking, refused, new ConcurrentHashMap<>());
        assertTrue(folder.readAll(Map.of()).announcements().isEmpty());
        assertTrue(blanking.blanked());
        assertEquals(0, refused.sum(), "a message expunged during the fetch is not refused");
        assertEquals(1, folder.readAll(Map.of()).announcements().size(), "read on the next look");
    }

    @Test void aMessageTheServerRefusesToServe_doesNotHideTheOtherAnnouncements() throws Exception {
        Crypto crypto = Crypto.standard();
        MemoryMailStore store = new MemoryMailStore();
        OpenPGPKey laptop = crypto.generateKey("<device@kinbox.invalid>");
        OpenPGPKey phone = crypto.generateKey("<device@kinbox.invalid>");
        AnnouncementFolder writer = folder(store, new LongAdder(), new ConcurrentHashMap<>());
        writer.publish(Announcement.of(laptop, "laptop", 1_000L), laptop, Clock.systemUTC());
        writer.publish(Announcement.of(phone, "phone", 2_000L), phone, Clock.systemUTC());
        long laptopUid = store.fetch(SmaFolders.ANNOUNCEMENTS, UidRange.all(), Fetch.FULL).get(0).uid();
        // a damaged message file on the server: every FETCH whose range holds it is answered NO
        var refusing = new dev.kinbox.journal.mail.ForwardingMailStore(store) {
            @Override public java.util.List<dev.kinbox.journal.mail.StoredMessage> fetch(String f, UidRange range, Fetch what) {
                if (range.contains(laptopUid)) throw new dev.kinbox.journal.mail.MailStoreException.CommandRefused("UID FETCH: server said NO", null);
                return super.fetch(f, range, what);
            }
        };
        AnnouncementFolder reader = folder(refusing, new LongAdder(), new ConcurrentHashMap<>());
        Map<String, Announcement> read = reader.readAll(Map.of()).announcements();
        assertEquals(java.util.Set.of(Announcement.of(phone, "phone", 2_000L).deviceId()), read.keySet(),
                "the phone's announcement is read; before, the refusal failed every check and every start");
    }

    /** The same message with one base64 character in the middle of its body changed (same UID: what a hostile provider can do). */
    private static byte[] flipMiddleOfBody(byte[] raw) {
        String s = new String(raw, StandardCharsets.US_ASCII);
        int body = s.indexOf("\r\n\r\n") + 4;
        int i = body + (s.length() - body) / 2;
        while (i < s.length() - 1 && !Character.isLetterOrDigit(s.charAt(i))) i++;
        return (s.substring(0, i) + (s.charAt(i) == 'A' ? 'B' : 'A') + s.substring(i + 1)).getBytes(StandardCharsets.US_ASCII);
    }
}
