package dev.kinbox.actors.mail;

import static dev.kinbox.actors.mail.Fixtures.CLOCK;
import static dev.kinbox.actors.mail.Fixtures.CRYPTO;
import static dev.kinbox.actors.mail.Fixtures.NOW;
import static dev.kinbox.actors.mail.Fixtures.NO_EVENTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.actors.mail.Fixtures.Device;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.PeerEvent.PeerAutocryptSeen;
import dev.kinbox.persistence.PeerEvent.PeerBlockChanged;
import dev.kinbox.persistence.PeerEvent.PeerMailSeen;
import dev.kinbox.persistence.SettingsEvent.MailingListSeen;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** onIncoming on hand-made mails: Level 1 edge cases, lists, and malformed input (typed error, no events). */
class IncomingMailTest {
    static final String ME = "me@kinbox.test";
    static final MailAutocrypt MAIL = new MailAutocrypt(CRYPTO, CLOCK, MailSettings.of(ME));
    static final String DATE = "Sun, 01 Nov 2026 09:00:00 +0000";
    static final long DATE_MS = Instant.parse("2026-11-01T09:00:00Z").toEpochMilli();

    static Peer bob, list;
    static AccountState base;
    static AccountKeys keys;

    @BeforeAll
    static void setUp() throws Exception {
        bob = new Peer("bob@peer.test", "00000000000000b1");
        list = new Peer("crew@lists.test", "00000000000000b2");
        base = Fixtures.withKey(AccountState.EMPTY, new Device("00000000000000f0"), CRYPTO.generateKey("<" + ME + ">"));
        keys = MAIL.accountKeys(base);
    }

    static byte[] mail(String headers, String body) {
        return (headers.replace("\n", "\r\n") + "\r\n" + body.replace("\n", "\r\n")).getBytes(StandardCharsets.UTF_8);
    }

    static String fold(String header) {
        return header.replace("\r\n", "\n");
    }

    private IncomingResult in(byte[] raw, AccountState s) throws MailProcessingException {
        return MAIL.onIncoming(raw, NOW, s, keys, new Device("00000000000000f1"));
    }

    @Test
    void onIncoming_oneHeader_peerAutocryptSeenAtDateHeader() throws Exception {
        byte[] m = mail("From: bob@peer.test\nTo: " + ME + "\nDate: " + DATE + "\nAutocrypt: " + fold(bob.header(true)) + "\n", "hi\n");
        List<AccountEvent> ev = in(m, base).events();
        assertEquals(1, ev.size());
        PeerAutocryptSeen e = assertInstanceOf(PeerAutocryptSeen.class, ev.get(0));
        assertEquals(DATE_MS, e.effectiveDate());
    }

    @Test
    void onIncoming_dateInTheFuture_usesReceiptTime() throws Exception {
        byte[] m = mail("From: bob@peer.test\nDate: Mon, 01 Nov 2027 09:00:00 +0000\n", "hi\n");
        PeerMailSeen e = assertInstanceOf(PeerMailSeen.class, in(m, base).events().get(0));
        assertEquals(NOW.toEpochMilli(), e.effectiveDate());
    }

    @Test
    void onIncoming_noDateHeader_usesReceiptTime() throws Exception {
        byte[] m = mail("From: bob@peer.test\nTo: " + ME + "\n", "hi\n");
        PeerMailSeen e = assertInstanceOf(PeerMailSeen.class, in(m, base).events().get(0));
        assertEquals(NOW.toEpochMilli(), e.effectiveDate());
    }

    @Test
    void onIncoming_twoAutocryptHeaders_ignoresBoth_recordsOnlyTheSighting() throws Exception {
        Peer other = new Peer("bob@peer.test", "00000000000000b3");
        byte[] m = mail("From: bob@peer.test\nDate: " + DATE + "\nAutocrypt: " + fold(bob.header(true))
                + "\nAutocrypt: " + fold(other.header(true)) + "\n", "hi\n");
        IncomingResult r = in(m, base);
        assertEquals(1, r.events().size());
        assertInstanceOf(PeerMailSeen.class, r.events().get(0));
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("all ignored")), r.notes().toString());
    }

    @Test
    void onIncoming_headerForAnotherAddress_invalid_recordsOnlyTheSighting() throws Exception {
        byte[] m = mail("From: mallory@peer.test\nDate: " + DATE + "\nAutocrypt: " + fold(bob.header(true)) + "\n", "hi\n");
        IncomingResult r = in(m, base);
        PeerMailSeen e = assertInstanceOf(PeerMailSeen.class, r.events().get(0));
        assertEquals("mallory@peer.test", e.address());
        assertEquals(1, r.events().size());
    }

    @Test
    void onIncoming_blockedSender_noEvents() throws Exception {
        Device d = new Device("00000000000000f2");
        AccountState s = base.apply(new PeerBlockChanged(d.nextDot(), d.now(), "bob@peer.test", true));
        byte[] m = mail("From: bob@peer.test\nDate: " + DATE + "\nAutocrypt: " + fold(bob.header(true)) + "\n", "hi\n");
        IncomingResult r = MAIL.onIncoming(m, NOW, s, keys, NO_EVENTS);
        assertTrue(r.events().isEmpty());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("blocked")));
    }

    @Test
    void onIncoming_blockedSendersGroupMail_gossipIgnoredToo() throws Exception {
        Peer carol = new Peer("carol@peer.test", "00000000000000b4");
        bob.knows(ME, MAIL.accountKeys(base).current().orElseThrow().key());
        bob.knows(carol.addr, carol.key);
        byte[] group = bob.write(List.of(ME, carol.addr), List.of(), "group", NOW, OutgoingPolicy.Choice.AUTOMATIC);
        IncomingResult open = in(group, base);
        assertTrue(open.events().stream().anyMatch(e -> e instanceof dev.kinbox.persistence.PeerEvent.PeerGossipSeen));
        Device d = new Device("00000000000000f2");
        AccountState s = base.apply(new PeerBlockChanged(d.nextDot(), d.now(), bob.addr, true));
        assertTrue(MAIL.onIncoming(group, NOW, s, keys, NO_EVENTS).events().isEmpty());
    }

    @Test
    void onIncoming_fromOurOwnAddress_noPeerEvents() throws Exception {
        byte[] m = mail("From: " + ME + "\nDate: " + DATE + "\n", "hi\n");
        assertTrue(MAIL.onIncoming(m, NOW, base, keys, NO_EVENTS).events().isEmpty());
    }

    @Test
    void onIncoming_listMail_recordsListRecommendationAndListKey() throws Exception {
        String h = list.header(false).replace("keydata=", "_list-recommendation=mandatory; _list-recipients=2/3; keydata=");
        byte[] m = mail("From: crew@lists.test\nList-Id: <crew.lists.test>\nDate: " + DATE + "\nAutocrypt: " + fold(h) + "\n", "hi\n");
        IncomingResult r = in(m, base);
        assertEquals(2, r.events().size());
        assertInstanceOf(PeerAutocryptSeen.class, r.events().get(0));
        MailingListSeen l = assertInstanceOf(MailingListSeen.class, r.events().get(1));
        assertEquals("crew@lists.test", l.listAddress());
        assertEquals("mandatory", l.recommendation());
        assertEquals("2/3", l.recipients());
        assertEquals(DATE_MS, l.seenAt());
    }

    @Test
    void onIncoming_olderListMailAfterNewer_keepsTheNewerRecommendation() throws Exception {
        String newer = list.header(false).replace("keydata=", "_list-recommendation=available; _list-recipients=1/3; keydata=");
        String older = list.header(false).replace("keydata=", "_list-recommendation=mandatory; _list-recipients=3/3; keydata=");
        AccountState s = Fixtures.applyAll(base, in(mail("From: crew@lists.test\nList-Id: <crew>\nDate: " + DATE
                + "\nAutocrypt: " + fold(newer) + "\n", "new\n"), base).events());
        IncomingResult r = in(mail("From: crew@lists.test\nList-Id: <crew>\nDate: Sat, 31 Oct 2026 09:00:00 +0000\nAutocrypt: "
                + fold(older) + "\n", "old\n"), s);
        assertTrue(r.events().stream().noneMatch(e -> e instanceof MailingListSeen), r.events().toString());
        assertEquals("available", Fixtures.applyAll(s, r.events()).mailingLists().get("crew@lists.test").value().recommendation());
    }

    @Test
    void onIncoming_listAttributesWithoutListId_notAList() throws Exception {
        String h = list.header(false).replace("keydata=", "_list-recommendation=mandatory; keydata=");
        IncomingResult r = in(mail("From: crew@lists.test\nDate: " + DATE + "\nAutocrypt: " + fold(h) + "\n", "hi\n"), base);
        assertTrue(r.events().stream().noneMatch(e -> e instanceof MailingListSeen));
        assertEquals(1, r.events().size());
    }

    @Test
    void onIncoming_multipartReport_headerIgnored_sightingOnly() throws Exception {
        byte[] m = mail("From: bob@peer.test\nDate: " + DATE + "\nAutocrypt: " + fold(bob.header(true))
                + "\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\n",
                "--r\nContent-Type: text/plain\n\nbounce\n--r--\n");
        IncomingResult r = in(m, base);
        assertEquals(1, r.events().size());
        assertInstanceOf(PeerMailSeen.class, r.events().get(0));
    }

    @Test
    void onIncoming_mimeMessageAndBytes_giveTheSameEvents() throws Exception {
        byte[] m = mail("From: bob@peer.test\nDate: " + DATE + "\nAutocrypt: " + fold(bob.header(true)) + "\n", "hi\n");
        var parsed = new jakarta.mail.internet.MimeMessage(Mails.SESSION, new java.io.ByteArrayInputStream(m));
        assertEquals(MAIL.onIncoming(m, NOW, base, keys, new Device("00000000000000f3")).events(),
                MAIL.onIncoming(parsed, NOW, base, keys, new Device("00000000000000f3")).events());
    }

    @Test
    void onIncoming_empty_malformed() {
        assertThrows(MailProcessingException.Malformed.class, () -> MAIL.onIncoming(new byte[0], NOW, base, keys, NO_EVENTS));
    }

    @Test
    void onIncoming_overTheCap_malformedBeforeParsing() throws Exception {
        MailAutocrypt small = new MailAutocrypt(CRYPTO, CLOCK, new MailSettings(ME, 1024));
        byte[] m = mail("From: bob@peer.test\nDate: " + DATE + "\n", "x".repeat(2000) + "\n");
        var e = assertThrows(MailProcessingException.Malformed.class, () -> small.onIncoming(m, NOW, base, keys, NO_EVENTS));
        assertTrue(e.getMessage().contains("over 1024"), e.getMessage());
        var mm = new jakarta.mail.internet.MimeMessage(Mails.SESSION, new java.io.ByteArrayInputStream(m));
        assertThrows(MailProcessingException.Malformed.class, () -> small.onIncoming(mm, NOW, base, keys, NO_EVENTS));
    }

    @Test
    void onIncoming_noFrom_malformed() {
        byte[] m = mail("To: " + ME + "\nDate: " + DATE + "\n", "hi\n");
        assertThrows(MailProcessingException.Malformed.class, () -> MAIL.onIncoming(m, NOW, base, keys, NO_EVENTS));
    }

    @Test
    void onIncoming_twoFromAddresses_malformed() {
        byte[] m = mail("From: a@peer.test, b@peer.test\nDate: " + DATE + "\n", "hi\n");
        assertThrows(MailProcessingException.Malformed.class, () -> MAIL.onIncoming(m, NOW, base, keys, NO_EVENTS));
    }

    @Test
    void onIncoming_fromWithTwoAtSigns_malformedNotACrash() {
        byte[] m = mail("From: \"x@y\"@peer.test\nDate: " + DATE + "\n", "hi\n");
        assertThrows(MailProcessingException.Malformed.class, () -> MAIL.onIncoming(m, NOW, base, keys, NO_EVENTS));
    }

    @Test
    void onIncoming_multipartWithoutItsBoundary_malformed() {
        byte[] m = mail("From: bob@peer.test\nDate: " + DATE + "\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b1\"\n",
                "no boundary line anywhere\n");
        assertThrows(MailProcessingException.Malformed.class, () -> MAIL.onIncoming(m, NOW, base, keys, NO_EVENTS));
    }

    @Test
    void onIncoming_nestingTooDeep_malformed() {
        StringBuilder body = new StringBuilder();
        int depth = 12;
        for (int i = 0; i < depth; i++) body.append("--b").append(i).append("\nContent-Type: multipart/mixed; boundary=\"b").append(i + 1).append("\"\n\n");
        body.append("--b").append(depth).append("\nContent-Type: text/plain\n\nx\n--b").append(depth).append("--\n");
        for (int i = depth - 1; i >= 0; i--) body.append("--b").append(i).append("--\n");
        byte[] m = mail("From: bob@peer.test\nDate: " + DATE + "\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b0\"\n", body.toString());
        var e = assertThrows(MailProcessingException.Malformed.class, () -> MAIL.onIncoming(m, NOW, base, keys, NO_EVENTS));
        assertTrue(e.getMessage().contains("deeper"), e.getMessage());
    }

    @Test
    void onIncoming_encryptedWithGarbageOpenPgp_malformed_noEvents() {
        byte[] m = mail("From: bob@peer.test\nTo: " + ME + "\nDate: " + DATE + "\nAutocrypt: " + fold(headerOf(bob))
                + "\nMIME-Version: 1.0\nContent-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"e\"\n",
                "--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n--e\nContent-Type: application/octet-stream\n\n"
                + "-----BEGIN PGP MESSAGE-----\n\nbm90IGFuIE9wZW5QR1AgbWVzc2FnZQ==\n-----END PGP MESSAGE-----\n--e--\n");
        assertThrows(MailProcessingException.Malformed.class, () -> MAIL.onIncoming(m, NOW, base, keys, NO_EVENTS));
    }

    @Test
    void onIncoming_encryptedWithOnePart_malformed_noEvents() {
        byte[] m = mail("From: bob@peer.test\nDate: " + DATE
                + "\nMIME-Version: 1.0\nContent-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"e\"\n",
                "--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n--e--\n");
        assertThrows(MailProcessingException.Malformed.class, () -> MAIL.onIncoming(m, NOW, base, keys, NO_EVENTS));
    }

    private static String headerOf(Peer p) {
        try {
            return p.header(true);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
