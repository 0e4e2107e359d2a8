package dev.kinbox.journal.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.servers.DovecotServer;
import dev.kinbox.journal.mail.servers.LocalImapServer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What only a real server shows: fixture behaviour, extensions and their fallbacks, reconnects. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DovecotSpecificIT {
    private DovecotServer server;
    private LocalImapServer.Account account;

    @BeforeAll void start() throws Exception {
        DovecotFixture.assumeInstalled();
        server = DovecotServer.start(new SecureRandom());
        account = server.addUser("specific");
    }

    @AfterAll void stop() {
        if (server != null) server.close();
    }

    private static List<NewMessage> batch(int n) {
        List<NewMessage> ms = new ArrayList<>();
        for (int i = 0; i < n; i++) ms.add(Msgs.of("b" + i, Flag.SEEN));
        return ms;
    }

    @Test
    void userAddedAfterStart_canLogIn_andWrongPasswordIsAuthFailed() {
        LocalImapServer.Account late = server.addUser("late" + System.nanoTime() % 100000);
        try (ImapMailStore s = ImapMailStore.connect(server.settings(late))) {
            assertTrue(s.listFolders().contains("INBOX"));
        }
        ImapSettings wrong = ImapSettings.of(server.host(), server.port(), late.user(), Secret.of("not-the-password"));
        MailStoreException e = assertThrows(MailStoreException.AuthFailed.class, () -> ImapMailStore.connect(wrong));
        assertTrue(!e.getMessage().contains("not-the-password"));
    }

    @Test
    void capabilities_includeMultiappendCondstoreQresync_andStatusHasModseq() {
        try (ImapMailStore s = ImapMailStore.connect(server.settings(account))) {
            assertTrue(s.capabilities().containsAll(EnumSet.of(Capability.MULTIAPPEND, Capability.CONDSTORE, Capability.QRESYNC,
                    Capability.UIDPLUS, Capability.IDLE, Capability.MOVE)), s.capabilities().toString());
            s.createFolder("Modseq");
            long m1 = s.status("Modseq").highestModSeq().orElseThrow();
            s.append("Modseq", Msgs.of("x"));
            assertTrue(s.status("Modseq").highestModSeq().orElseThrow() > m1);
        }
    }

    @Test
    void appendFallbacks_withoutMultiappendOrUidplus_returnSameKindOfUids() {
        ImapSettings plain = server.settings(account).ignoring(Set.of(Capability.MULTIAPPEND, Capability.UIDPLUS));
        try (ImapMailStore s = ImapMailStore.connect(plain)) {
            s.createFolder("Fallback");
            AppendResult r = s.append("Fallback", batch(5));
            List<Long> fetched = s.fetch("Fallback", UidRange.all(), Fetch.HEADERS).stream().map(StoredMessage::uid).toList();
            assertEquals(fetched, r.uids());
            assertEquals(s.status("Fallback").uidValidity(), r.uidValidity());
            // Without UIDPLUS, delete falls back to STORE \Deleted + EXPUNGE.
            s.delete("Fallback", List.of(r.uids().get(0)));
            assertEquals(4, s.status("Fallback").messages());
        }
    }

    @Test
    void multiappend_ofMoreThanAChunk_keepsOrder() {
        try (ImapMailStore s = ImapMailStore.connect(server.settings(account))) {
            s.createFolder("Big");
            List<NewMessage> ms = batch(1200);
            AppendResult r = s.append("Big", ms);
            assertEquals(1200, r.uids().size());
            List<StoredMessage> got = s.fetch("Big", UidRange.all(), Fetch.FULL);
            assertEquals(r.uids(), got.stream().map(StoredMessage::uid).toList());
            assertEquals(ms.get(777).messageId().orElseThrow(), got.get(777).header("Message-ID").get(0));
        }
    }

    @Test
    void watch_survivesKick_andStillReportsChanges() throws Exception {
        BlockingQueue<FolderEvent> events = new LinkedBlockingQueue<>();
        ImapSettings st = server.settings(account).withReconnectBackoffMax(Duration.ofMillis(200));
        try (ImapMailStore s = ImapMailStore.connect(st)) {
            s.createFolder("Kicked");
            try (Watch w = s.watch("Kicked", events::add)) {
                server.kick(account.user());
                FolderEvent e = poll(events, FolderEvent.Reconnected.class);
                assertTrue(e instanceof FolderEvent.Reconnected, "got " + e);
                events.clear();
                s.append("Kicked", Msgs.of("after kick")); // the pool also lost its connection: append reconnects
                assertEquals(new FolderEvent.Changed("Kicked"), poll(events, FolderEvent.Changed.class));
            }
        }
    }

    @Test
    void pollWatch_seesChangesFasterThanIdle() throws Exception {
        ImapSettings poll = server.settings(account).withWatch(ImapSettings.WatchMode.POLL, Duration.ofMillis(10));
        try (ImapMailStore s = ImapMailStore.connect(poll)) {
            s.createFolder("Polled");
            BlockingQueue<FolderEvent> events = new LinkedBlockingQueue<>();
            try (Watch w = s.watch("Polled", events::add)) {
                assertEquals("poll", w.mode());
                long t0 = System.nanoTime();
                s.append("Polled", Msgs.of("p"));
                assertEquals(new FolderEvent.Changed("Polled"), events.poll(5, TimeUnit.SECONDS));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < 400, "poll watch took " + ms + " ms (IDLE on Dovecot takes ~500)");
            }
        }
    }

    private static FolderEvent poll(BlockingQueue<FolderEvent> q, Class<?> want) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        FolderEvent last = null;
        while (System.nanoTime() < end) {
            last = q.poll(200, TimeUnit.MILLISECONDS);
            if (want.isInstance(last)) return last;
        }
        return last;
    }
}
