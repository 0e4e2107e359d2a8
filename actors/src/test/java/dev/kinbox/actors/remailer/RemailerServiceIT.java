package dev.kinbox.actors.remailer;

import static dev.kinbox.actors.remailer.ListFixture.LIST;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.ImapMailStore;
import dev.kinbox.journal.mail.ImapSettings;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.Secret;
import dev.kinbox.journal.mail.UidRange;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service end to end: GreenMail SMTP+IMAP in this JVM, and sqop/gpg as independent readers. */
class RemailerServiceIT {
    static final String ALICE = "alice@example.test", BOB = "bob@example.test", CAROL = "carol@example.test";
    static final long WAIT_MS = 20_000;

    ListFixture f;
    MailServers servers;
    MailStore listStore;
    RemailerService service;
    OpenPGPKey alice, bob;
    final List<RosterEvent> reported = Collections.synchronizedList(new ArrayList<>());
    final List<PostOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());

    @TempDir Path tmp;

    @BeforeEach
    void setUp() throws Exception {
        f = new ListFixture();
        alice = f.key(ALICE);
        bob = f.key(BOB);
        servers = new MailServers();
        servers.user(LIST, "friends", "list-pw-1");
        for (String a : List.of(ALICE, BOB, CAROL)) servers.user(a, a.substring(0, a.indexOf('@')), "pw-" + a.length());
        listStore = ImapMailStore.connect(ImapSettings.of("127.0.0.1", servers.imapPort(), "friends", Secret.of("list-pw-1")));
    }

    @AfterEach
    void tearDown() {
        if (service != null) service.close();
        if (listStore != null) listStore.close();
        if (servers != null) servers.close();
    }

    private void startService(Roster roster) {
        service = new RemailerService(listStore, "INBOX", SmtpSettings.loopback(servers.smtpPort()), f.pipeline, roster,
                reported::addAll, outcomes::add);
        service.start();
    }

    private void post(String from, byte[] raw) throws Exception {
        servers.post(raw);
    }

    @Test
    void encryptedPost_reachesTheTwoKeyHolders_decryptableBySqopAndGpg_withIdenticalPayload_andTheThirdGetsANotice()
            throws Exception {
        Roster roster = f.roster(ListSettings.defaults(LIST), List.of(ALICE, BOB, CAROL), Arrays.asList(alice, bob, null));
        startService(roster);
        post(ALICE, f.encrypted(ALICE, alice, "meet at the old mill at nine", f.autocrypt(ALICE, alice)));

        List<byte[]> a = servers.await(ALICE, 1, WAIT_MS), b = servers.await(BOB, 1, WAIT_MS), c = servers.await(CAROL, 1, WAIT_MS);
        assertEquals(1, a.size(), "alice's copy");
        assertEquals(1, b.size(), "bob's copy");
        assertEquals(1, c.size(), "carol's notice");
        byte[] armoredA = ListFixture.armoredPart(a.get(0)), armoredB = ListFixture.armoredPart(b.get(0));
        assertArrayEquals(ListFixture.payload(armoredA), ListFixture.payload(armoredB), "payload bytes must be identical");
        String notice = ListFixture.text(c.get(0));
        assertTrue(notice.contains("could not receive"), notice);
        assertFalse(notice.contains("old mill"));
        MimeMessage copy = ListFixture.mime(b.get(0));
        assertEquals("<friends.kinbox.test>", copy.getHeader("List-Id")[0]);
        assertTrue(copy.getHeader("Autocrypt")[0].contains("_list-recipients=2/3"));

        // the built-in reader first, then two independent implementations
        assertTrue(ListFixture.text(f.crypto.autocrypt().decryptMail(b.get(0), List.of(bob), List.of()).plaintext()).contains("old mill"));
        List<String> skipped = new ArrayList<>();
        if (OpenPgpTools.installed("sqop")) {
            assertTrue(ListFixture.text(OpenPgpTools.sqopDecrypt(armor(alice), armoredA, tmp)).contains("old mill"));
            assertTrue(ListFixture.text(OpenPgpTools.sqopDecrypt(armor(bob), armoredB, tmp)).contains("old mill"));
        } else {
            skipped.add("skipped: sqop not installed");
        }
        if (OpenPgpTools.installed("gpg")) {
            assertTrue(ListFixture.text(OpenPgpTools.gpgDecrypt(armor(alice), cert(alice), armoredA)).contains("old mill"));
            assertTrue(ListFixture.text(OpenPgpTools.gpgDecrypt(armor(bob), cert(alice), armoredB)).contains("old mill"));
        } else {
            skipped.add("skipped: gpg not installed");
        }
        awaitInboxEmpty();
        assertTrue(reported.stream().anyMatch(e -> e instanceof RosterEvent.PostReceived p && p.sender().equals(ALICE)),
                "the post's events reach the callback");
        skipped.forEach(System.out::println);
        Assumptions.assumeTrue(skipped.isEmpty(), String.join("; ", skipped));
    }

    @Test
    void mandatoryList_refusesAPlaintextPost_withAReplyToTheSender_andDeliversNothing() throws Exception {
        Roster roster = f.roster(ListSettings.defaults(LIST).withRecommendation(ListSettings.Mode.MANDATORY),
                List.of(ALICE, BOB, CAROL), Arrays.asList(alice, bob, null));
        startService(roster);
        post(BOB, f.plain(BOB, "lunch?", "anyone for lunch", null));
        List<byte[]> replies = servers.await(BOB, 1, WAIT_MS);
        assertEquals(1, replies.size());
        String reply = ListFixture.text(replies.get(0));
        assertTrue(reply.contains("only accepts encrypted posts"), reply);
        awaitInboxEmpty();
        assertEquals(0, servers.inbox(ALICE).size());
        assertEquals(0, servers.inbox(CAROL).size());
        assertTrue(outcomes.stream().anyMatch(o -> o instanceof PostOutcome.Refused r && r.reason() == PostOutcome.Reason.PLAINTEXT_REFUSED));
    }

    @Test
    void subscribeByMail_addsTheSenderWithItsKey_andConfirms_andTheServiceRosterFollows() throws Exception {
        startService(Roster.empty(ListSettings.defaults(LIST)));
        post(ALICE, f.command(ALICE, "subscribe", f.autocrypt(ALICE, alice)));
        List<byte[]> confirm = servers.await(ALICE, 1, WAIT_MS);
        assertEquals(1, confirm.size());
        assertTrue(ListFixture.text(confirm.get(0)).contains("You are now subscribed"));
        awaitInboxEmpty();
        assertTrue(service.roster().isSubscribed(ALICE));
        assertEquals(Crypto.fingerprint(alice.toCertificate()), service.roster().subscribers().get(ALICE).fingerprint());
        assertTrue(reported.stream().anyMatch(e -> e instanceof RosterEvent.SubscriberAdded x && x.addr().equals(ALICE)));
    }

    @Test
    void listHeader_appearsOnCopies_onceAMajorityHasKeys() throws Exception {
        Roster roster = f.roster(ListSettings.defaults(LIST), List.of(ALICE, BOB, CAROL), Arrays.asList(alice, null, null));
        startService(roster);
        post(ALICE, f.plain(ALICE, "first", "one of three has a key", null));
        assertEquals(1, servers.await(CAROL, 1, WAIT_MS).size());
        assertEquals(null, ListFixture.mime(servers.inbox(CAROL).get(0)).getHeader("Autocrypt"), "1/3: no list header");
        f.clock.advance(java.time.Duration.ofMinutes(1));
        post(BOB, f.plain(BOB, "second", "my key is in my header", f.autocrypt(BOB, bob)));
        List<byte[]> carol = servers.await(CAROL, 2, WAIT_MS);
        assertEquals(2, carol.size());
        String[] h = ListFixture.mime(carol.get(1)).getHeader("Autocrypt");
        assertTrue(h != null && h[0].startsWith("addr=" + LIST) && h[0].contains("_list-recipients=2/3"),
                "2/3 after bob's key arrived: list header on");
    }

    @Test
    void hostileMail_isDroppedOrRefused_andTheServiceKeepsDelivering() throws Exception {
        Roster roster = f.roster(ListSettings.defaults(LIST).withLimits(8192, 20, java.time.Duration.ofHours(1)),
                List.of(ALICE, BOB), Arrays.asList(alice, bob));
        startService(roster);
        String loop = "List-Id: <friends.kinbox.test>\r\n" + ListFixture.text(f.plain(BOB, "echo", "x", null));
        post(BOB, loop.getBytes(StandardCharsets.UTF_8));
        post(BOB, f.plain(BOB, "huge", "z".repeat(20_000), null));
        post(BOB, f.plain(ALICE, "after", "still delivering", null));
        List<byte[]> a = servers.await(ALICE, 1, WAIT_MS);
        List<byte[]> b = servers.await(BOB, 2, WAIT_MS);
        assertEquals(1, a.size());
        assertTrue(ListFixture.text(a.get(0)).contains("still delivering"));
        assertEquals(2, b.size(), "bob: the refusal of the oversized post and alice's post");
        awaitInboxEmpty();
        assertTrue(outcomes.stream().anyMatch(o -> o instanceof PostOutcome.Dropped d && d.reason() == PostOutcome.Reason.LOOP));
        assertTrue(outcomes.stream().anyMatch(o -> o instanceof PostOutcome.Refused r && r.reason() == PostOutcome.Reason.OVERSIZED));
    }

    @Test
    void unreachableSmtp_leavesThePostInTheInbox_andReportsNoEvents() throws Exception {
        int closedPort;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = ss.getLocalPort();
        }
        Roster roster = f.roster(ListSettings.defaults(LIST), List.of(ALICE, BOB), Arrays.asList(alice, bob));
        post(ALICE, f.plain(ALICE, "hello", "plain post", null));
        long end = System.nanoTime() + WAIT_MS * 1_000_000;
        while (listStore.fetch("INBOX", UidRange.all(), Fetch.HEADERS).isEmpty() && System.nanoTime() < end) Thread.sleep(50);
        service = new RemailerService(listStore, "INBOX", SmtpSettings.loopback(closedPort), f.pipeline, roster,
                reported::addAll, outcomes::add);
        assertEquals(0, service.processPending());
        assertEquals(1, listStore.fetch("INBOX", UidRange.all(), Fetch.HEADERS).size(), "the post stays for a retry");
        assertTrue(reported.isEmpty());
        assertTrue(outcomes.isEmpty());
        assertEquals(roster, service.roster());
    }

    private void awaitInboxEmpty() throws Exception {
        long end = System.nanoTime() + WAIT_MS * 1_000_000;
        while (!listStore.fetch("INBOX", UidRange.all(), Fetch.HEADERS).isEmpty() && System.nanoTime() < end) Thread.sleep(50);
        assertTrue(listStore.fetch("INBOX", UidRange.all(), Fetch.HEADERS).isEmpty(), "handled mail is deleted from the list inbox");
    }

    private static byte[] cert(OpenPGPKey k) throws Exception {
        return Crypto.armor(k.toCertificate()).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] armor(OpenPGPKey k) throws Exception {
        return Crypto.armor(k).getBytes(StandardCharsets.US_ASCII);
    }

}
