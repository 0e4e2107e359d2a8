package dev.kinbox.journal.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.servers.DovecotServer;
import dev.kinbox.journal.mail.servers.GreenMailServer;
import dev.kinbox.journal.mail.servers.LocalImapServer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@link LocalImapServer#rebuild}: a folder restored as from a backup - a new UIDVALIDITY, the same
 * messages and flags under UIDs from 1 in another order - and every connection drops.
 */
class LocalImapServerRebuildIT {
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** One Dovecot for all its Dovecot tests (each with users of its own): a start and a stop take seconds each. */
    private static DovecotServer dovecot;

    private static LocalImapServer dovecot() throws Exception {
        DovecotFixture.assumeInstalled();
        if (dovecot == null) dovecot = DovecotServer.start(new SecureRandom());
        return dovecot;
    }

    @AfterAll
    static void closeDovecot() {
        if (dovecot != null) dovecot.close();
    }

    @Test
    void rebuild_ofGreenMail_givesANewUidValidity_andKeepsMessagesAndFlags() throws Exception {
        try (LocalImapServer server = GreenMailServer.start(new SecureRandom())) {
            keepsMessagesAndFlags(server, "Log");
        }
    }

    @Test
    void rebuild_ofGreenMail_dropsOldConnections_thatReconnectToTheNewUidValidity() throws Exception {
        try (LocalImapServer server = GreenMailServer.start(new SecureRandom())) {
            oldClientsReconnect(server);
        }
    }

    @Test
    void rebuild_ofGreenMail_ofInbox_givesANewUidValidity() throws Exception {
        try (LocalImapServer server = GreenMailServer.start(new SecureRandom())) {
            keepsMessagesAndFlags(server, "INBOX");
        }
    }

    @Test
    void rebuild_ofGreenMail_ofAnUnknownUserOrFolder_isRefused_andTheServerStillAnswers() throws Exception {
        try (LocalImapServer server = GreenMailServer.start(new SecureRandom())) {
            unknownIsRefused(server);
        }
    }

    @Test
    void rebuild_ofDovecot_givesANewUidValidity_andKeepsMessagesAndFlags() throws Exception {
        keepsMessagesAndFlags(dovecot(), "Log");
    }

    @Test
    void rebuild_ofDovecot_dropsOldConnections_thatReconnectToTheNewUidValidity() throws Exception {
        oldClientsReconnect(dovecot());
    }

    @Test
    void rebuild_ofGreenMail_fromAnOlderBackup_losesTheNewestMessages() throws Exception {
        try (LocalImapServer server = GreenMailServer.start(new SecureRandom())) {
            losesTheNewest(server);
        }
    }

    @Test
    void rebuild_ofDovecot_fromAnOlderBackup_losesTheNewestMessages() throws Exception {
        losesTheNewest(dovecot());
    }

    // INBOX is rebuilt on GreenMail only (its own code path there); the simulator rebuilds device folders

    @Test
    void rebuild_ofDovecot_ofAnUnknownUserOrFolder_isRefused_andTheServerStillAnswers() throws Exception {
        unknownIsRefused(dovecot());
    }

    /**
     * A rebuild asked by a thread that is interrupted (a simulation ending at its time bound) fails in
     * one line - the server's log says nothing about an interruption - and changes nothing.
     */
    @Test
    void rebuild_ofDovecot_byAnInterruptedThread_failsInOneLine_withoutTheServerLog_andChangesNothing() throws Exception {
        LocalImapServer server = dovecot();
        LocalImapServer.Account a = server.addUser("interrupted");
        long v1;
        try (ImapMailStore c = ImapMailStore.connect(server.settings(a))) {
            c.createFolder("Log");
            c.append("Log", List.of(NewMessage.of(Msgs.message(Msgs.newId(), "kept"))));
            v1 = c.status("Log").uidValidity();
        }
        Thread.currentThread().interrupt();
        IllegalStateException e;
        try {
            e = assertThrows(IllegalStateException.class, () -> server.rebuild(a.user(), "Log", 1));
        } finally {
            Thread.interrupted(); // clears the flag for what follows
        }
        assertEquals("cannot read UIDVALIDITY of Log of interrupted: interrupted", e.getMessage());
        try (ImapMailStore c = ImapMailStore.connect(server.settings(a))) {
            assertEquals(v1, c.status("Log").uidValidity());
            assertEquals(1, c.status("Log").messages());
        }
    }

    // --- scenarios ----------------------------------------------------------------------------

    /** Six messages, three \Seen at append, one \Flagged later: after the rebuild a fresh client sees them all, renumbered. */
    private static void keepsMessagesAndFlags(LocalImapServer server, String folder) {
        LocalImapServer.Account a = server.addUser("restored");
        long v1;
        Map<String, Set<Flag>> before;
        List<String> orderBefore;
        try (ImapMailStore c = ImapMailStore.connect(server.settings(a))) {
            if (!folder.equals("INBOX")) c.createFolder(folder);
            for (int i = 0; i < 6; i++) {
                byte[] raw = Msgs.message(Msgs.newId(), "body " + i);
                c.append(folder, List.of(i % 2 == 0 ? NewMessage.of(raw, Flag.SEEN) : NewMessage.of(raw)));
            }
            List<StoredMessage> ms = c.fetch(folder, UidRange.all(), Fetch.FULL);
            c.flag(folder, List.of(ms.get(5).uid()), Set.of(Flag.FLAGGED), true);
            ms = c.fetch(folder, UidRange.all(), Fetch.FULL);
            before = textToFlags(ms);
            orderBefore = ms.stream().map(LocalImapServerRebuildIT::text).toList();
            v1 = c.status(folder).uidValidity();
        }
        assertEquals(3, before.values().stream().filter(f -> f.contains(Flag.SEEN)).count(), "setup: three messages \\Seen");
        assertTrue(before.values().contains(Set.of(Flag.FLAGGED)), "setup: one message flagged after its append");

        server.rebuild(a.user(), folder);

        try (ImapMailStore c = ImapMailStore.connect(server.settings(a))) {
            FolderStatus st = c.status(folder);
            assertNotEquals(v1, st.uidValidity(), "a new UIDVALIDITY");
            assertEquals(6, st.messages());
            List<StoredMessage> after = c.fetch(folder, UidRange.all(), Fetch.FULL);
            assertEquals(LongStream.rangeClosed(1, 6).boxed().toList(), after.stream().map(StoredMessage::uid).toList(), "UIDs from 1");
            assertEquals(before, textToFlags(after), "the same messages with the same flags");
            assertNotEquals(orderBefore, after.stream().map(LocalImapServerRebuildIT::text).toList(), "another order");
        }
    }

    /** Four messages; a rebuild from a backup without the newest two keeps the first two, renumbered; a negative count is refused. */
    private static void losesTheNewest(LocalImapServer server) {
        LocalImapServer.Account a = server.addUser("olderbackup");
        long v1;
        try (ImapMailStore c = ImapMailStore.connect(server.settings(a))) {
            c.createFolder("Log");
            for (int i = 0; i < 4; i++) c.append("Log", List.of(NewMessage.of(Msgs.message(Msgs.newId(), "body " + i))));
            v1 = c.status("Log").uidValidity();
        }
        assertThrows(IllegalArgumentException.class, () -> server.rebuild(a.user(), "Log", -1));

        server.rebuild(a.user(), "Log", 2);

        try (ImapMailStore c = ImapMailStore.connect(server.settings(a))) {
            assertNotEquals(v1, c.status("Log").uidValidity(), "a new UIDVALIDITY");
            List<String> kept = c.fetch("Log", UidRange.all(), Fetch.FULL).stream().map(LocalImapServerRebuildIT::text)
                    .map(t -> t.replaceAll("(?s).*(body \\d).*", "$1")).sorted().toList();
            assertEquals(List.of("body 0", "body 1"), kept, "the two oldest messages, without the two newest");
        }
    }

    /** A client connected before the rebuild: its watch loses the connection and reports the new UIDVALIDITY; its store gets back in. */
    private static void oldClientsReconnect(LocalImapServer server) throws Exception {
        LocalImapServer.Account a = server.addUser("dropped");
        try (ImapMailStore before = ImapMailStore.connect(server.settings(a))) {
            before.createFolder("Log");
            for (int i = 0; i < 3; i++) before.append("Log", List.of(NewMessage.of(Msgs.message(Msgs.newId(), "body " + i))));
            long v1 = before.status("Log").uidValidity();
            BlockingQueue<FolderEvent> events = new LinkedBlockingQueue<>();
            try (Watch w = before.watch("Log", events::add)) {
                server.rebuild(a.user(), "Log");
                long v2;
                try (ImapMailStore fresh = ImapMailStore.connect(server.settings(a))) {
                    v2 = fresh.status("Log").uidValidity();
                }
                assertNotEquals(v1, v2);
                List<FolderEvent> seen = new ArrayList<>();
                long deadline = System.nanoTime() + WAIT_NANOS;
                while (!(seen.contains(new FolderEvent.UidValidityChanged("Log", v1, v2)) && seen.stream().anyMatch(e -> e instanceof FolderEvent.Reconnected))
                        && System.nanoTime() < deadline) {
                    FolderEvent e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (e != null) seen.add(e);
                }
                assertTrue(seen.contains(new FolderEvent.UidValidityChanged("Log", v1, v2)), "the watch did not report the new UIDVALIDITY: " + seen);
                assertTrue(seen.stream().anyMatch(e -> e instanceof FolderEvent.Reconnected), "the watch's connection did not drop: " + seen);
            }
            // the store's pooled connections dropped too (its first tries may see that)
            Long v = null;
            long deadline = System.nanoTime() + WAIT_NANOS;
            while (v == null && System.nanoTime() < deadline) {
                try {
                    v = before.status("Log").uidValidity();
                } catch (MailStoreException.ConnectionLost e) {
                    Thread.sleep(100);
                }
            }
            assertNotNull(v, "the old client did not get back in");
            assertNotEquals(v1, (long) v, "the old client, reconnected, sees the new UIDVALIDITY");
            assertEquals(3, before.fetch("Log", UidRange.all(), Fetch.HEADERS).size());
        }
    }

    /** Unknown user, folder or folder name: IllegalArgumentException, and the server serves on without a drop or a change. */
    private static void unknownIsRefused(LocalImapServer server) throws Exception {
        LocalImapServer.Account a = server.addUser("known");
        try (ImapMailStore c = ImapMailStore.connect(server.settings(a))) {
            c.createFolder("Log");
            c.append("Log", List.of(NewMessage.of(Msgs.message(Msgs.newId(), "kept"))));
            long v1 = c.status("Log").uidValidity();
            BlockingQueue<FolderEvent> events = new LinkedBlockingQueue<>();
            try (Watch w = c.watch("Log", events::add)) {
                assertThrows(IllegalArgumentException.class, () -> server.rebuild("stranger", "Log"));
                assertThrows(IllegalArgumentException.class, () -> server.rebuild(null, "Log"));
                assertThrows(IllegalArgumentException.class, () -> server.rebuild(a.user(), "Missing"));
                assertThrows(IllegalArgumentException.class, () -> server.rebuild(a.user(), "../known/Maildir"));
                assertThrows(IllegalArgumentException.class, () -> server.rebuild(a.user(), null));
                assertEquals(v1, c.status("Log").uidValidity());
                assertNull(events.poll(1, TimeUnit.SECONDS), "the watch saw something happen");
            }
            try (ImapMailStore fresh = ImapMailStore.connect(server.settings(a))) {
                FolderStatus st = fresh.status("Log");
                assertEquals(v1, st.uidValidity());
                assertEquals(1, st.messages());
            }
        }
    }

    private static String text(StoredMessage m) {
        return new String(m.raw(), StandardCharsets.US_ASCII);
    }

    private static Map<String, Set<Flag>> textToFlags(List<StoredMessage> ms) {
        Map<String, Set<Flag>> out = new TreeMap<>();
        for (StoredMessage m : ms) assertNull(out.put(text(m), m.flags()), "bodies are distinct");
        return out;
    }
}
