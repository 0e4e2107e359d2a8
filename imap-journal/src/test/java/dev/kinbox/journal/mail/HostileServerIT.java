package dev.kinbox.journal.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * ImapMailStore against a server that misbehaves: every failure is a typed MailStoreException
 * within the configured timeouts, and the store recovers on the next call.
 */
class HostileServerIT {
    private static final Duration READ = Duration.ofMillis(500);
    private static final Duration OPERATION = Duration.ofMillis(2000);
    private static final long SLACK_MS = 3000;

    private static ImapSettings settings(FakeImapServer s) {
        return ImapSettings.of("127.0.0.1", s.port(), "alice", Secret.of("hunter2-password"))
                .withTimeouts(Duration.ofMillis(1000), READ, READ, OPERATION)
                .withReconnectBackoffMax(Duration.ofMillis(100));
    }

    /** Runs {@code call}, expects {@code type}, and checks it came within the operation deadline plus slack. */
    private static <T extends MailStoreException> T failsWithin(Class<T> type, Executable call) {
        long t0 = System.nanoTime();
        T e = assertThrows(type, call);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < OPERATION.toMillis() + SLACK_MS, "took " + ms + " ms");
        assertFalse(String.valueOf(e.getMessage()).contains("hunter2"), "password leaked: " + e.getMessage());
        return e;
    }

    @Test
    void garbageGreeting_isTypedFailure() throws Exception {
        try (FakeImapServer s = new FakeImapServer((n, tag, cmd, c) -> true)) {
            s.greeting = "\u0000\u00ff\u00fe HELLO THIS IS NOT IMAP\r\n";
            MailStoreException e = failsWithin(MailStoreException.class, () -> ImapMailStore.connect(settings(s)));
            assertTrue(e instanceof MailStoreException.ProtocolViolation || e instanceof MailStoreException.ConnectionLost, e.toString());
        }
    }

    @Test
    void silentServer_isTimeout() throws Exception {
        try (FakeImapServer s = new FakeImapServer((n, tag, cmd, c) -> true)) {
            s.greeting = "";
            failsWithin(MailStoreException.Timeout.class, () -> ImapMailStore.connect(settings(s)));
        }
    }

    @Test
    void refusedLogin_isAuthFailed_withoutPassword() throws Exception {
        try (FakeImapServer s = new FakeImapServer((n, tag, cmd, c) -> true)) {
            s.refuseLogin = true;
            failsWithin(MailStoreException.AuthFailed.class, () -> ImapMailStore.connect(settings(s)));
        }
    }

    @Test
    void refusedLogin_saysWhatTheServerSaid() throws Exception {
        try (FakeImapServer s = new FakeImapServer((n, tag, cmd, c) -> true)) {
            s.refuseLogin = true;
            MailStoreException e = failsWithin(MailStoreException.AuthFailed.class, () -> ImapMailStore.connect(settings(s)));
            assertTrue(e.getMessage().contains("[AUTHENTICATIONFAILED] bad"), e.getMessage());
            assertTrue(e.getMessage().contains("refused twice"), e.getMessage());
        }
    }

    /**
     * A server shutting down refuses the logins in flight as failed (Dovecot's authentication process
     * exits before its login process answers): a refused login is tried once more, on a new connection.
     */
    @Test
    void loginRefusedOnce_asInAServerRestart_isTriedOnceMore_andConnects() throws Exception {
        try (FakeImapServer s = new FakeImapServer((n, tag, cmd, c) -> true)) {
            s.loginsToRefuse.set(1);
            s.loginRefusal = "[AUTHENTICATIONFAILED] Authentication failed.";
            try (ImapMailStore store = ImapMailStore.connect(settings(s))) {
                assertEquals(2, s.commands.stream().filter(l -> l.contains(" LOGIN ")).count(), s.commands.toString());
            }
        }
    }

    /** RFC 5530: NO [UNAVAILABLE] is a subsystem down for now, not wrong credentials: retried, as a lost connection is. */
    @Test
    void loginAnsweredUnavailable_isConnectionLost_notAuthFailed() throws Exception {
        try (FakeImapServer s = new FakeImapServer((n, tag, cmd, c) -> true)) {
            s.refuseLogin = true;
            s.loginRefusal = "[UNAVAILABLE] Temporary authentication failure.";
            MailStoreException e = failsWithin(MailStoreException.ConnectionLost.class, () -> ImapMailStore.connect(settings(s)));
            assertTrue(e.getMessage().contains("unavailable for now"), e.getMessage());
        }
    }

    @Test
    void stallOnCommand_isTimeout() throws Exception {
        try (FakeImapServer s = new FakeImapServer((n, tag, cmd, c) -> {
            Thread.sleep(10_000);
            return false;
        }); ImapMailStore store = ImapMailStore.connect(settings(s))) {
            failsWithin(MailStoreException.Timeout.class, () -> store.status("Journal"));
        }
    }

    @Test
    void slowDrip_hitsOperationDeadline() throws Exception {
        try (FakeImapServer s = new FakeImapServer((n, tag, cmd, c) -> {
            c.send("* STATUS Journal (MESSAGES 1");
            for (int i = 0; i < 100; i++) {
                Thread.sleep(100);
                c.send(" ");
            }
            return false;
        }); ImapMailStore store = ImapMailStore.connect(settings(s))) {
            failsWithin(MailStoreException.Timeout.class, () -> store.status("Journal"));
        }
    }

    @Test
    void disconnectMidResponse_isConnectionLost() throws Exception {
        try (FakeImapServer s = new FakeImapServer((n, tag, cmd, c) -> {
            c.send("* STATUS Journal (MESSAGES 1 UIDN");
            return false;
        }); ImapMailStore store = ImapMailStore.connect(settings(s))) {
            failsWithin(MailStoreException.ConnectionLost.class, () -> store.status("Journal"));
        }
    }

    @Test
    void garbageInsteadOfStatus_isProtocolViolation() throws Exception {
        try (FakeImapServer s = new FakeImapServer((n, tag, cmd, c) -> {
            c.send("* \u00ff\u00fe garbage ((( {\r\n* STATUS\r\n" + tag + " OK done\r\n");
            return true;
        }); ImapMailStore store = ImapMailStore.connect(settings(s))) {
            failsWithin(MailStoreException.ProtocolViolation.class, () -> store.status("Journal"));
        }
    }

    @Test
    void impossibleStatusNumbers_areProtocolViolation() throws Exception {
        try (FakeImapServer s = new FakeImapServer((n, tag, cmd, c) -> {
            c.send("* STATUS Journal (MESSAGES 1 UIDNEXT 0 UIDVALIDITY 0)\r\n" + tag + " OK done\r\n");
            return true;
        }); ImapMailStore store = ImapMailStore.connect(settings(s))) {
            failsWithin(MailStoreException.ProtocolViolation.class, () -> store.status("Journal"));
        }
    }

    @Test
    void appendUidForWrongCount_isProtocolViolation() throws Exception {
        try (FakeImapServer s = new FakeImapServer((n, tag, cmd, c) -> {
            if (cmd.startsWith("APPEND")) {
                c.send("+ go ahead\r\n");
                Thread.sleep(50); // let the literal arrive; the reader ignores non-command lines
                c.send(tag + " OK [APPENDUID 7 1:3] done\r\n");
            }
            return true;
        }); ImapMailStore store = ImapMailStore.connect(settings(s))) {
            failsWithin(MailStoreException.ProtocolViolation.class, () -> store.append("Journal", Msgs.of("x")));
        }
    }

    @Test
    void hugeLiteral_isProtocolViolation_withoutAllocatingIt() throws Exception {
        try (FakeImapServer s = new FakeImapServer((n, tag, cmd, c) -> {
            if (cmd.startsWith("SELECT")) {
                c.send("* 1 EXISTS\r\n* OK [UIDVALIDITY 42] ok\r\n" + tag + " OK [READ-WRITE] done\r\n");
                return true;
            }
            c.send("* 1 FETCH (UID 1 RFC822.SIZE 5 BODY[] {2000000000}\r\nxxxxx");
            Thread.sleep(5000);
            return false;
        }); ImapMailStore store = ImapMailStore.connect(settings(s))) {
            failsWithin(MailStoreException.ProtocolViolation.class, () -> store.fetch("Journal", UidRange.all(), Fetch.FULL));
        }
    }

    @Test
    void fetchRefusedForOneMessage_isCommandRefused_andAServedFetchReadsTheOthers() throws Exception {
        // a server with a damaged message, uid 2: every FETCH whose set holds it is answered NO
        try (FakeImapServer s = new FakeImapServer((n, tag, cmd, c) -> {
            if (cmd.startsWith("SELECT") || cmd.startsWith("EXAMINE")) {
                c.send("* 3 EXISTS\r\n* OK [UIDVALIDITY 42] ok\r\n* OK [UIDNEXT 4] ok\r\n" + tag + " OK [READ-WRITE] done\r\n");
            } else if (cmd.startsWith("STATUS")) {
                c.send("* STATUS Journal (MESSAGES 3 UIDNEXT 4 UIDVALIDITY 42)\r\n" + tag + " OK done\r\n");
            } else if (cmd.startsWith("UID FETCH ")) {
                String set = cmd.substring("UID FETCH ".length(), cmd.indexOf(' ', "UID FETCH ".length()));
                String[] ends = set.split(":");
                long lo = Long.parseLong(ends[0]);
                long hi = ends.length == 1 ? lo : ends[1].equals("*") ? 3 : Long.parseLong(ends[1]);
                if (lo <= 2 && 2 <= hi) {
                    c.send(tag + " NO [SERVERBUG] Internal error occurred. Refer to server log for more information.\r\n");
                } else {
                    StringBuilder out = new StringBuilder();
                    for (long u = Math.max(lo, 1); u <= Math.min(hi, 3); u++) {
                        String msg = new String(Msgs.message("<m" + u + "@kinbox.test>", "body " + u), java.nio.charset.StandardCharsets.US_ASCII);
                        out.append("* ").append(u).append(" FETCH (UID ").append(u).append(" FLAGS () RFC822.SIZE ").append(msg.length())
                                .append(" BODY[] {").append(msg.length()).append("}\r\n").append(msg).append(")\r\n");
                    }
                    c.send(out + tag + " OK done\r\n");
                }
            } else {
                c.send(tag + " OK done\r\n");
            }
            return true;
        }); ImapMailStore store = ImapMailStore.connect(settings(s))) {
            failsWithin(MailStoreException.CommandRefused.class, () -> store.fetch("Journal", UidRange.all(), Fetch.FULL));
            java.util.List<StoredMessage> got = ServedFetch.fetch(store, "Journal", UidRange.all(), Fetch.FULL);
            assertEquals(java.util.List.of(1L, 3L), got.stream().map(StoredMessage::uid).toList());
            assertTrue(new String(got.get(1).raw(), java.nio.charset.StandardCharsets.US_ASCII).contains("body 3"));
        }
    }

    @Test
    void byeDuringCommand_isConnectionLost() throws Exception {
        try (FakeImapServer s = new FakeImapServer((n, tag, cmd, c) -> {
            c.send("* BYE going away\r\n");
            return false;
        }); ImapMailStore store = ImapMailStore.connect(settings(s))) {
            failsWithin(MailStoreException.ConnectionLost.class, () -> store.listFolders());
        }
    }

    @Test
    void afterADroppedConnection_nextCallReconnects() throws Exception {
        try (FakeImapServer s = new FakeImapServer((n, tag, cmd, c) -> {
            if (n == 1) {
                c.send("* STATUS Jour");
                return false;
            }
            c.send("* STATUS Journal (MESSAGES 3 UIDNEXT 9 UIDVALIDITY 42)\r\n" + tag + " OK done\r\n");
            return true;
        }); ImapMailStore store = ImapMailStore.connect(settings(s))) {
            // The first pooled connection dies mid-response; STATUS is idempotent, so it is retried on a new one.
            FolderStatus st = store.status("Journal");
            assertEquals(3, st.messages());
            assertEquals(42, st.uidValidity());
            assertTrue(s.connections() >= 2);
        }
    }

    @Test
    void connectionRefused_isConnectionLost() throws Exception {
        int port;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = ss.getLocalPort();
        }
        ImapSettings st = ImapSettings.of("127.0.0.1", port, "alice", Secret.of("pw"))
                .withTimeouts(Duration.ofMillis(500), READ, READ, OPERATION).withReconnectBackoffMax(Duration.ofMillis(100));
        MailStoreException e = failsWithin(MailStoreException.class, () -> ImapMailStore.connect(st));
        assertInstanceOf(MailStoreException.ConnectionLost.class, e);
    }

    @Test
    void watch_survivesDroppedConnection_reportsReconnectAndUidValidityChange() throws Exception {
        java.util.concurrent.BlockingQueue<FolderEvent> events = new java.util.concurrent.LinkedBlockingQueue<>();
        try (FakeImapServer s = new FakeImapServer((n, tag, cmd, c) -> {
            if (cmd.startsWith("SELECT")) {
                // The server "restores a backup" while the watch is away: UIDVALIDITY 42 becomes 43.
                String validity = n <= 2 ? "42" : "43";
                c.send("* 0 EXISTS\r\n* OK [UIDVALIDITY " + validity + "] ok\r\n* OK [UIDNEXT 1] ok\r\n" + tag + " OK [READ-WRITE] done\r\n");
                return true;
            }
            if (cmd.startsWith("IDLE")) {
                c.send("+ idling\r\n");
                if (n == 2) { Thread.sleep(200); return false; } // the watch's first connection drops
                Thread.sleep(200);
                c.send("* 1 EXISTS\r\n");
                Thread.sleep(5000);
                return false;
            }
            c.send(tag + " OK done\r\n");
            return true;
        }); ImapMailStore store = ImapMailStore.connect(settings(s))) {
            try (Watch w = store.watch("Journal", events::add)) {
                assertEquals("idle", w.mode());
                Supplier<FolderEvent> next = () -> {
                    try { return events.poll(5, java.util.concurrent.TimeUnit.SECONDS); } catch (InterruptedException e) { throw new AssertionError(e); }
                };
                assertEquals(new FolderEvent.UidValidityChanged("Journal", 42, 43), next.get());
                assertEquals(new FolderEvent.Reconnected("Journal", 1), next.get());
                assertEquals(new FolderEvent.Changed("Journal"), next.get());
            }
        }
    }
}
