package dev.kinbox.journal.mail;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.servers.ThrowawayCertificate;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The oversized-literal guard under TLS: a hostile server on loopback speaking implicit TLS (an
 * SSLServerSocket) or STARTTLS, with a certificate made for the test, announces a 2 GB literal. The
 * client must refuse it from the decrypted stream at once, with a typed error, without allocating it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileTlsServerIT {
    private static final Duration READ = Duration.ofSeconds(2);
    private static final Duration OPERATION = Duration.ofSeconds(5);
    /** Far below the 2 GB announced, far above what a refused fetch needs (TLS records, parsing). */
    private static final long ALLOCATION_BUDGET = 64L << 20;

    private ThrowawayCertificate certificate;

    @BeforeAll void makeCertificate() throws Exception {
        certificate = ThrowawayCertificate.forLoopback(new SecureRandom());
    }

    private ImapSettings settings(FakeImapServer s, ImapSettings.TlsMode mode) {
        return ImapSettings.of("127.0.0.1", s.port(), "alice", Secret.of("hunter2-password"))
                .withTls(mode, certificate.clientContext())
                .withTimeouts(Duration.ofSeconds(2), READ, READ, OPERATION)
                .withReconnectBackoffMax(Duration.ofMillis(100));
    }

    /** Answers SELECT, then announces a 2 GB literal for whatever comes next and stalls. */
    private static FakeImapServer.Scenario hugeLiteral() {
        return (n, tag, cmd, c) -> {
            if (cmd.startsWith("SELECT")) {
                c.send("* 1 EXISTS\r\n* OK [UIDVALIDITY 42] ok\r\n" + tag + " OK [READ-WRITE] done\r\n");
                return true;
            }
            c.send("* 1 FETCH (UID 1 RFC822.SIZE 5 BODY[] {2000000000}\r\nxxxxx");
            Thread.sleep(5000);
            return false;
        };
    }

    /** Fetches from a server announcing 2 GB: ProtocolViolation before the read timeout, little allocated. */
    private static void refusesHugeLiteral(ImapMailStore store) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count allocated bytes");
        threads.setThreadAllocatedMemoryEnabled(true);
        // The pool runs the operation on the calling thread, so this thread's allocations are the fetch's.
        long before = threads.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        MailStoreException e = assertThrows(MailStoreException.ProtocolViolation.class,
                () -> store.fetch("Journal", UidRange.all(), Fetch.FULL));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(e.getMessage().contains("oversized literal"), e.getMessage());
        assertTrue(ms < READ.toMillis(), "took " + ms + " ms: the guard should fire on the announcement, not on a timeout");
        assertTrue(allocated < ALLOCATION_BUDGET, "allocated " + (allocated >> 20) + " MiB while refusing the literal");
        assertFalse(e.getMessage().contains("hunter2"), "password leaked: " + e.getMessage());
    }

    @Test
    void implicitTls_hugeLiteral_isProtocolViolation_quickly_withoutAllocatingIt() throws Exception {
        try (FakeImapServer s = new FakeImapServer(hugeLiteral(), FakeImapServer.Security.IMPLICIT_TLS, certificate.serverContext());
             ImapMailStore store = ImapMailStore.connect(settings(s, ImapSettings.TlsMode.TLS))) {
            refusesHugeLiteral(store);
        }
    }

    @Test
    void starttls_hugeLiteral_isProtocolViolation_quickly_withoutAllocatingIt() throws Exception {
        try (FakeImapServer s = new FakeImapServer(hugeLiteral(), FakeImapServer.Security.STARTTLS, certificate.serverContext());
             ImapMailStore store = ImapMailStore.connect(settings(s, ImapSettings.TlsMode.STARTTLS))) {
            assertTrue(s.commands.stream().anyMatch(l -> l.endsWith(" STARTTLS")), "client did not use STARTTLS: " + s.commands.size());
            refusesHugeLiteral(store);
        }
    }

    @Test
    void starttls_literalWithinLimit_isDelivered() throws Exception {
        byte[] raw = Msgs.message(Msgs.newId(), "small and honest");
        String literal = new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1);
        try (FakeImapServer s = new FakeImapServer((n, tag, cmd, c) -> {
            if (cmd.startsWith("SELECT")) {
                c.send("* 1 EXISTS\r\n* OK [UIDVALIDITY 42] ok\r\n" + tag + " OK [READ-WRITE] done\r\n");
            } else {
                c.send("* 1 FETCH (UID 7 FLAGS (\\Seen) RFC822.SIZE " + raw.length + " BODY[] {" + raw.length + "}\r\n"
                        + literal + ")\r\n" + tag + " OK done\r\n");
            }
            return true;
        }, FakeImapServer.Security.STARTTLS, certificate.serverContext());
             ImapMailStore store = ImapMailStore.connect(settings(s, ImapSettings.TlsMode.STARTTLS))) {
            var got = store.fetch("Journal", UidRange.all(), Fetch.FULL);
            assertTrue(got.size() == 1 && got.get(0).uid() == 7, got.toString());
            org.junit.jupiter.api.Assertions.assertArrayEquals(raw, got.get(0).raw());
        }
    }

    @Test
    void starttls_notOffered_isCommandRefused_beforeAnyCredentialsAreSent() throws Exception {
        try (FakeImapServer s = new FakeImapServer((n, tag, cmd, c) -> true)) {
            MailStoreException e = assertThrows(MailStoreException.CommandRefused.class,
                    () -> ImapMailStore.connect(settings(s, ImapSettings.TlsMode.STARTTLS)));
            assertTrue(e.getMessage().contains("does not offer STARTTLS"), e.getMessage());
            assertTrue(s.commands.stream().noneMatch(l -> l.toUpperCase().matches("\\S+ (LOGIN|AUTHENTICATE)\\b.*")),
                    "credentials sent to a server without STARTTLS");
            assertTrue(s.commands.stream().noneMatch(l -> l.contains("hunter2")), "password on the wire");
        }
    }
}
