package dev.kinbox.journal.mail;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fault hooks of MemoryMailStore do what a slow network or a hostile provider would. */
class MemoryFaultsTest {
    private final MemoryMailStore store = new MemoryMailStore(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), new Random(7));

    @AfterEach void close() { store.close(); }

    private String folderWith(int n) {
        store.createFolder("F");
        List<NewMessage> ms = new ArrayList<>();
        for (int i = 0; i < n; i++) ms.add(Msgs.of("m" + i));
        if (n > 0) store.append("F", ms);
        return "F";
    }

    private List<Long> uids(String f) {
        return store.fetch(f, UidRange.all(), Fetch.HEADERS).stream().map(StoredMessage::uid).toList();
    }

    @Test
    void latency_delaysEveryCommand() {
        String f = folderWith(1);
        store.faults().latency(Duration.ofMillis(60));
        long t0 = System.nanoTime();
        store.status(f);
        store.status(f);
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(120));
    }

    @Test
    void dropBeforeApply_failsAndStoresNothing() {
        String f = folderWith(0);
        store.faults().dropConnections(1, MemoryFaults.DropPoint.BEFORE_APPLY);
        assertThrows(MailStoreException.ConnectionLost.class, () -> store.append(f, Msgs.of("lost")));
        assertEquals(0, store.status(f).messages());
        store.append(f, Msgs.of("second try"));
        assertEquals(1, store.status(f).messages());
    }

    @Test
    void dropAfterApply_failsButTheMessageIsStored_andFoundByMessageId() {
        String f = folderWith(0);
        String id = Msgs.newId();
        store.faults().dropConnections(1, MemoryFaults.DropPoint.AFTER_APPLY);
        assertThrows(MailStoreException.ConnectionLost.class, () -> store.append(f, NewMessage.of(Msgs.message(id, "x"))));
        assertEquals(1, store.search(f, "Message-ID", id).size());
    }

    @Test
    void dropConnections_watchesReportReconnect() throws Exception {
        String f = folderWith(0);
        BlockingQueue<FolderEvent> events = new LinkedBlockingQueue<>();
        try (Watch w = store.watch(f, events::add)) {
            store.faults().dropConnections(0, MemoryFaults.DropPoint.BEFORE_APPLY);
            assertEquals(new FolderEvent.Reconnected(f, 1), events.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void resetUidValidity_renumbersFromOne_andWatchSeesIt() throws Exception {
        String f = folderWith(3);
        long v1 = store.status(f).uidValidity();
        store.delete(f, List.of(1L));
        BlockingQueue<FolderEvent> events = new LinkedBlockingQueue<>();
        try (Watch w = store.watch(f, events::add)) {
            store.faults().resetUidValidity(f);
            long v2 = store.status(f).uidValidity();
            assertNotEquals(v1, v2);
            assertEquals(List.of(1L, 2L), uids(f));
            assertEquals(new FolderEvent.UidValidityChanged(f, v1, v2), events.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void rebuild_givesANewUidValidity_andRenumbersFromOne() {
        String f = folderWith(4);
        store.delete(f, List.of(2L));
        long v1 = store.status(f).uidValidity();
        store.faults().rebuild(f);
        FolderStatus after = store.status(f);
        assertNotEquals(v1, after.uidValidity());
        assertEquals(List.of(1L, 2L, 3L), uids(f));
        assertEquals(4L, after.uidNext());
    }

    @Test
    void rebuild_keepsMessageBytesAndFlags_inAShuffledOrder() {
        String f = folderWith(0);
        for (int i = 0; i < 6; i++) store.append(f, i % 2 == 0 ? Msgs.of("m" + i, Flag.SEEN) : Msgs.of("m" + i));
        Map<String, Set<Flag>> before = bytesToFlags(store.fetch(f, UidRange.all(), Fetch.FULL));
        List<String> orderBefore = store.fetch(f, UidRange.all(), Fetch.FULL).stream().map(MemoryFaultsTest::text).toList();
        store.faults().rebuild(f);
        List<StoredMessage> after = store.fetch(f, UidRange.all(), Fetch.FULL);
        assertEquals(before, bytesToFlags(after));
        assertNotEquals(orderBefore, after.stream().map(MemoryFaultsTest::text).toList(), "seed 7 shuffles 6 messages");
    }

    @Test
    void rebuild_restoresHiddenMessagesToo() {
        String f = folderWith(3);
        store.faults().hide(f, 3);
        store.faults().rebuild(f);
        assertEquals(List.of(1L, 2L, 3L), uids(f));
    }

    @Test
    void rebuild_watchReportsUidValidityChanged_thenChanged() throws Exception {
        String f = folderWith(2);
        long v1 = store.status(f).uidValidity();
        BlockingQueue<FolderEvent> events = new LinkedBlockingQueue<>();
        try (Watch w = store.watch(f, events::add)) {
            store.faults().rebuild(f);
            long v2 = store.status(f).uidValidity();
            assertEquals(new FolderEvent.UidValidityChanged(f, v1, v2), events.poll(5, TimeUnit.SECONDS));
            assertEquals(new FolderEvent.Changed(f), events.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void rebuild_ofAMissingFolder_throwsFolderMissing() {
        assertThrows(MailStoreException.FolderMissing.class, () -> store.faults().rebuild("Nowhere"));
        assertThrows(MailStoreException.InvalidRequest.class, () -> store.faults().rebuild("../x"));
    }

    private static String text(StoredMessage m) {
        return new String(m.raw(), StandardCharsets.US_ASCII);
    }

    private static Map<String, Set<Flag>> bytesToFlags(List<StoredMessage> ms) {
        Map<String, Set<Flag>> out = new TreeMap<>();
        for (StoredMessage m : ms) assertNull(out.put(text(m), m.flags()), "bodies are distinct");
        return out;
    }

    @Test
    void hostileDelete_removesSilently_butUidsStayUnused() {
        String f = folderWith(3);
        store.faults().deleteMessage(f, 2);
        assertEquals(List.of(1L, 3L), uids(f));
        assertEquals(4L, store.append(f, Msgs.of("next")));
    }

    @Test
    void hostileReorder_restoresSameContentUnderNewIncreasingUids() {
        String f = folderWith(5);
        List<StoredMessage> before = store.fetch(f, UidRange.all(), Fetch.FULL);
        store.faults().reorder(f);
        List<StoredMessage> after = store.fetch(f, UidRange.all(), Fetch.FULL);
        assertEquals(List.of(6L, 7L, 8L, 9L, 10L), after.stream().map(StoredMessage::uid).toList());
        List<String> a = before.stream().map(m -> new String(m.raw(), StandardCharsets.US_ASCII)).sorted().toList();
        List<String> b = after.stream().map(m -> new String(m.raw(), StandardCharsets.US_ASCII)).sorted().toList();
        assertEquals(a, b);
        assertNotEquals(before.stream().map(m -> new String(m.raw(), StandardCharsets.US_ASCII)).toList(),
                after.stream().map(m -> new String(m.raw(), StandardCharsets.US_ASCII)).toList(), "seed 7 shuffles 5 messages");
    }

    @Test
    void hostileAlter_changesBytesUnderTheSameUid() {
        String f = folderWith(1);
        byte[] forged = "Subject: forged\r\n\r\nevil\r\n".getBytes(StandardCharsets.US_ASCII);
        store.faults().alter(f, 1, old -> forged);
        assertArrayEquals(forged, store.fetch(f, UidRange.of(1), Fetch.FULL).get(0).raw());
    }

    @Test
    void hostileInject_addsAMessageNobodyAppended_andNotifies() throws Exception {
        String f = folderWith(0);
        BlockingQueue<FolderEvent> events = new LinkedBlockingQueue<>();
        try (Watch w = store.watch(f, events::add)) {
            long uid = store.faults().inject(f, Msgs.of("forged"));
            assertEquals(List.of(uid), uids(f));
            assertEquals(new FolderEvent.Changed(f), events.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void closedStore_refusesWithClosed() {
        store.close();
        assertThrows(MailStoreException.Closed.class, () -> store.listFolders());
    }

    @Test
    void uidValidity_comesFromInjectedClock_andStaysUnique() {
        store.createFolder("A");
        store.createFolder("B");
        long a = store.status("A").uidValidity();
        long b = store.status("B").uidValidity();
        assertTrue(a >= Instant.parse("2026-01-01T00:00:00Z").getEpochSecond());
        assertNotEquals(a, b);
    }
}
