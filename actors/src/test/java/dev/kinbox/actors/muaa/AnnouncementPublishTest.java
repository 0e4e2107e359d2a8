package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.sma.SmaFolders;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.Test;

/** Publishing an announcement asks the server only for what is needed: no CREATE of folders that exist, no second copy. */
class AnnouncementPublishTest {
    private final Crypto crypto = Crypto.standard();
    private final MemoryMailStore store = new MemoryMailStore();
    private final List<String> calls = new ArrayList<>();
    private final AnnouncementFolder folder = AnnouncementCacheTest.folder(recording(store, calls), new LongAdder(), new ConcurrentHashMap<>());

    @Test void firstPublish_createsBothFolders_andARefreshCreatesNothing() throws Exception {
        OpenPGPKey key = crypto.generateKey("<device@kinbox.invalid>");
        Announcement first = Announcement.of(key, "laptop", 1_000L);
        folder.publish(first, key, Clock.systemUTC());
        assertTrue(calls.contains("createFolder"), "a new account gets its folders: " + calls);
        assertTrue(store.listFolders().containsAll(List.of(SmaFolders.ANNOUNCEMENTS, SmaFolders.deviceFolder(first.deviceId()))));

        calls.clear();
        Announcement refresh = Announcement.of(key, "laptop", 2_000L);
        folder.publish(refresh, key, Clock.systemUTC());
        assertEquals(List.of("listFolders", "status", "fetch", "append", "delete"), calls, "a refresh: no CREATE, no SEARCH (STATUS: the UIDVALIDITY the deletion runs in)");
        assertEquals(2_000L, folder.read().get(refresh.deviceId()).activeAt());
        assertEquals(1, store.fetch(SmaFolders.ANNOUNCEMENTS, UidRange.all(), Fetch.HEADERS).size(), "the older announcement is gone");
    }

    @Test void publishingTheSameAnnouncementAgain_appendsNoSecondCopy() throws Exception {
        OpenPGPKey key = crypto.generateKey("<device@kinbox.invalid>");
        Announcement a = Announcement.of(key, "phone", 1_000L);
        folder.publish(a, key, Clock.systemUTC());
        calls.clear();
        folder.publish(a, key, Clock.systemUTC());
        assertEquals(List.of("listFolders", "status", "fetch"), calls);
        assertEquals(1, store.fetch(SmaFolders.ANNOUNCEMENTS, UidRange.all(), Fetch.HEADERS).size());
    }

    /** {@code target}, recording the name of every method called on it. */
    private static MailStore recording(MailStore target, List<String> calls) {
        return (MailStore) Proxy.newProxyInstance(MailStore.class.getClassLoader(), new Class<?>[] {MailStore.class}, (proxy, m, args) -> {
            calls.add(m.getName());
            try {
                return m.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }
}
