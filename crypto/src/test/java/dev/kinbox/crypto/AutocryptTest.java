package dev.kinbox.crypto;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.Test;

class AutocryptTest {
    static final Crypto CRYPTO = TestKeys.CRYPTO;
    static final Autocrypt AC = CRYPTO.autocrypt();
    static final String ALICE = "alice@kin.example";
    static final Instant NOW = Instant.now().plusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

    static String header(OpenPGPKey k, String addr, boolean mutual) throws CryptoException {
        return AC.formatHeader(addr, k.toCertificate(), mutual);
    }

    static byte[] mail(String from, String date, String... autocryptHeaders) {
        StringBuilder sb = new StringBuilder("From: " + from + "\r\nTo: bob@kin.example\r\n");
        if (date != null) sb.append("Date: ").append(date).append("\r\n");
        for (String h : autocryptHeaders) sb.append("Autocrypt: ").append(h).append("\r\n");
        sb.append("Subject: hi\r\nContent-Type: text/plain\r\n\r\nbody\r\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    String keydataOf(OpenPGPKey k) throws CryptoException {
        String h = header(k, ALICE, false);
        return h.substring(h.indexOf("keydata=") + 8).replaceAll("\\s", "");
    }

    @Test
    void format_thenParse_roundTrips_withFivePacketKey() throws Exception {
        String h = header(TestKeys.ALICE, ALICE, true);
        AutocryptHeader p = AC.parseHeader(h, ALICE);
        assertEquals(ALICE, p.addr());
        assertTrue(p.mutual());
        assertEquals(Crypto.fingerprint(TestKeys.ALICE), p.fingerprint());
        KeyShape.check(p.keydata());
        assertTrue(h.startsWith("addr=" + ALICE + "; prefer-encrypt=mutual; keydata="));
    }

    @Test
    void parse_addrMissingOrDifferentFromFrom_isInvalid() throws Exception {
        String kd = keydataOf(TestKeys.ALICE);
        assertThrows(CryptoException.Malformed.class, () -> AC.parseHeader("keydata=" + kd, ALICE));
        assertThrows(CryptoException.Malformed.class, () -> AC.parseHeader("addr=mallory@kin.example; keydata=" + kd, ALICE));
        assertEquals(ALICE, AC.parseHeader("addr=ALICE@Kin.Example; keydata=" + kd, ALICE).addr());
    }

    @Test
    void parse_headerWithUnknownCriticalAttribute_isInvalid() throws Exception {
        String kd = keydataOf(TestKeys.ALICE);
        var e = assertThrows(CryptoException.Malformed.class,
                () -> AC.parseHeader("addr=" + ALICE + "; color=blue; keydata=" + kd, ALICE));
        assertTrue(e.getMessage().contains("color"));
    }

    @Test
    void parse_nonCriticalAttributes_areKept() throws Exception {
        String kd = keydataOf(TestKeys.ALICE);
        AutocryptHeader h = AC.parseHeader("addr=" + ALICE + "; _color=blue; _x=1; keydata=" + kd, ALICE);
        assertEquals(List.of("_color", "_x"), List.copyOf(h.nonCritical().keySet()));
        assertEquals("blue", h.nonCritical().get("_color"));
    }

    @Test
    void parse_keydataNotLast_isInvalid() throws Exception {
        String kd = keydataOf(TestKeys.ALICE);
        assertThrows(CryptoException.Malformed.class,
                () -> AC.parseHeader("addr=" + ALICE + "; keydata=" + kd + "; prefer-encrypt=mutual", ALICE));
    }

    @Test
    void parse_preferEncryptOtherThanMutual_meansNoPreference() throws Exception {
        String kd = keydataOf(TestKeys.ALICE);
        assertFalse(AC.parseHeader("addr=" + ALICE + "; prefer-encrypt=nopreference; keydata=" + kd, ALICE).mutual());
    }

    @Test
    void parse_headerOver10KiB_isInvalid() throws Exception {
        String kd = keydataOf(TestKeys.ALICE);
        String pad = "x".repeat(10 * 1024);
        var e = assertThrows(CryptoException.Malformed.class,
                () -> AC.parseHeader("addr=" + ALICE + "; _pad=" + pad + "; keydata=" + kd, ALICE));
        assertTrue(e.getMessage().contains("10 KiB"));
    }

    @Test
    void parse_keyWithExtraPackets_isInvalid() throws Exception {
        // the full certificate has a direct-key signature too: six packets
        byte[] full = TestKeys.ALICE.toCertificate().getEncoded();
        String kd = Base64.getEncoder().encodeToString(full);
        var e = assertThrows(CryptoException.Malformed.class, () -> AC.parseHeader("addr=" + ALICE + "; keydata=" + kd, ALICE));
        assertTrue(e.getMessage().contains("5 packets"), e.getMessage());
    }

    @Test
    void parse_badBase64_orGarbageKey_isInvalid() {
        assertThrows(CryptoException.Malformed.class, () -> AC.parseHeader("addr=" + ALICE + "; keydata=!!!", ALICE));
        assertThrows(CryptoException.Malformed.class, () -> AC.parseHeader("addr=" + ALICE + "; keydata=AAAA", ALICE));
    }

    @Test
    void parseMail_twoValidHeaders_ignoresBoth() throws Exception {
        byte[] m = mail(ALICE, null, header(TestKeys.ALICE, ALICE, true), header(TestKeys.ALICE, ALICE, false));
        AutocryptMail r = AC.parseMail(m, NOW);
        assertTrue(r.header().isEmpty());
        assertTrue(r.errors().stream().anyMatch(s -> s.contains("2 valid")), r.errors().toString());
    }

    @Test
    void parseMail_oneValidOneInvalid_keepsValid() throws Exception {
        byte[] m = mail(ALICE, null, header(TestKeys.ALICE, ALICE, true), "addr=" + ALICE + "; bogus=1; keydata=AAAA");
        AutocryptMail r = AC.parseMail(m, NOW);
        assertTrue(r.header().isPresent());
        assertEquals(1, r.errors().size());
    }

    @Test
    void parseMail_dateMissingOrFuture_usesReceiptTime() throws Exception {
        assertEquals(NOW, AC.parseMail(mail(ALICE, null), NOW).effectiveDate());
        assertEquals(NOW, AC.parseMail(mail(ALICE, "Mon, 1 Jan 2035 00:00:00 +0000"), NOW).effectiveDate());
        assertEquals(Instant.parse("2026-05-01T00:00:00Z"),
                AC.parseMail(mail(ALICE, "Fri, 1 May 2026 00:00:00 +0000"), NOW).effectiveDate());
    }

    @Test
    void update_newerHeaderReplacesKey_olderMailChangesNothing() throws Exception {
        byte[] m1 = mail(ALICE, "Fri, 1 May 2026 00:00:00 +0000", header(TestKeys.ALICE, ALICE, true));
        PeerState s1 = Autocrypt.update(PeerState.empty(ALICE), AC.parseMail(m1, NOW));
        assertArrayEquals(AC.parseMail(m1, NOW).header().get().keydata(), s1.publicKey());
        assertTrue(s1.mutual());
        assertEquals(Instant.parse("2026-05-01T00:00:00Z"), s1.autocryptTimestamp());

        byte[] older = mail(ALICE, "Wed, 1 Apr 2026 00:00:00 +0000", header(TestKeys.BOB, ALICE, false));
        assertSame(s1, Autocrypt.update(s1, AC.parseMail(older, NOW)));

        byte[] noHeader = mail(ALICE, "Mon, 11 May 2026 00:00:00 +0000");
        PeerState s2 = Autocrypt.update(s1, AC.parseMail(noHeader, NOW));
        assertEquals(Instant.parse("2026-05-11T00:00:00Z"), s2.lastSeen());
        assertEquals(s1.autocryptTimestamp(), s2.autocryptTimestamp());
        assertArrayEquals(s1.publicKey(), s2.publicKey());
    }

    @Test
    void recommend_singleRecipient_followsLevel1() throws Exception {
        byte[] kd = AC.parseHeader(header(TestKeys.ALICE, ALICE, true), ALICE).keydata();
        Instant t = NOW.minus(Duration.ofDays(1));
        assertEquals(Recommendation.DISABLE, AC.recommend(PeerState.empty(ALICE), true, false, NOW));
        PeerState mutual = new PeerState(ALICE, t, t, kd, true, null, null);
        assertEquals(Recommendation.ENCRYPT, AC.recommend(mutual, true, false, NOW));
        assertEquals(Recommendation.AVAILABLE, AC.recommend(mutual, false, false, NOW));
        PeerState stale = new PeerState(ALICE, NOW, NOW.minus(Duration.ofDays(40)), kd, true, null, null);
        assertEquals(Recommendation.DISCOURAGE, AC.recommend(stale, true, false, NOW));
        assertEquals(Recommendation.ENCRYPT, AC.recommend(stale, true, true, NOW));
        PeerState gossipOnly = new PeerState(ALICE, null, null, null, false, t, kd);
        assertEquals(Recommendation.DISCOURAGE, AC.recommend(gossipOnly, true, false, NOW));
        PeerState garbage = new PeerState(ALICE, t, t, new byte[] {1, 2, 3}, true, null, null);
        assertEquals(Recommendation.DISABLE, AC.recommend(garbage, true, false, NOW));
    }

    @Test
    void recommend_severalRecipients_weakestWins() throws Exception {
        byte[] kd = AC.parseHeader(header(TestKeys.ALICE, ALICE, true), ALICE).keydata();
        Instant t = NOW.minus(Duration.ofDays(1));
        PeerState enc = new PeerState(ALICE, t, t, kd, true, null, null);
        PeerState avail = new PeerState("b@x", t, t, kd, false, null, null);
        PeerState disc = new PeerState("c@x", null, null, null, false, t, kd);
        assertEquals(Recommendation.ENCRYPT, AC.recommend(List.of(enc, enc), true, false, NOW));
        assertEquals(Recommendation.AVAILABLE, AC.recommend(List.of(enc, avail), true, false, NOW));
        assertEquals(Recommendation.DISCOURAGE, AC.recommend(List.of(enc, avail, disc), true, false, NOW));
        assertEquals(Recommendation.DISABLE, AC.recommend(List.of(enc, PeerState.empty("d@x")), true, false, NOW));
    }

    @Test
    void gossip_forNonRecipient_isRejected_newerGossipUpdates() throws Exception {
        String inner = "Autocrypt-Gossip: " + AC.formatGossip("bob@kin.example",
                AC.parseHeader(header(TestKeys.BOB, "bob@kin.example", false), "bob@kin.example").keydata())
                + "\r\nAutocrypt-Gossip: " + AC.formatGossip("eve@kin.example",
                AC.parseHeader(header(TestKeys.CAROL, "eve@kin.example", false), "eve@kin.example").keydata())
                + "\r\nContent-Type: text/plain\r\n\r\nsecret\r\n";
        byte[] ct = CRYPTO.encryptAndSign(inner.getBytes(StandardCharsets.UTF_8),
                List.of(TestKeys.BOB.toCertificate()), List.of(TestKeys.ALICE), true);
        String outer = "From: " + ALICE + "\r\nTo: bob@kin.example, carol@kin.example\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"XX\"\r\n\r\n"
                + "--XX\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n"
                + "--XX\r\nContent-Type: application/octet-stream\r\n\r\n" + new String(ct, StandardCharsets.US_ASCII)
                + "\r\n--XX--\r\n";
        List<String> errors = new ArrayList<>();
        List<AutocryptHeader> g = AC.readGossip(outer.getBytes(StandardCharsets.UTF_8), List.of(TestKeys.BOB), errors);
        assertEquals(List.of("bob@kin.example"), g.stream().map(AutocryptHeader::addr).toList());
        assertTrue(errors.get(0).contains("not a recipient"), errors.toString());

        PeerState s = Autocrypt.updateGossip(PeerState.empty("bob@kin.example"), g.get(0), NOW);
        assertArrayEquals(g.get(0).keydata(), s.gossipKey());
        assertSame(s, Autocrypt.updateGossip(s, g.get(0), NOW.minusSeconds(5)));
        // Level 1: only gossip that is *more recent* than the message is kept; an equally old one is replaced.
        PeerState same = Autocrypt.updateGossip(s, g.get(0), NOW);
        assertNotSame(s, same);
        assertEquals(NOW, same.gossipTimestamp());
    }

    @Test
    void parseMail_notAMailAtAll_isMalformed_orReportsErrors() throws Exception {
        assertThrows(CryptoException.Malformed.class, () -> AC.parseMail(new byte[0], NOW));
        AutocryptMail r = AC.parseMail("garbage without headers".getBytes(), NOW);
        assertTrue(r.header().isEmpty());
        assertFalse(r.errors().isEmpty());
    }

    @Test
    void parseMail_multipartReport_ignoresAutocryptHeader() throws Exception {
        String m = "From: " + ALICE + "\r\nAutocrypt: " + header(TestKeys.ALICE, ALICE, true)
                + "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
                + "--B\r\nContent-Type: text/plain\r\n\r\nbounced\r\n--B--\r\n";
        AutocryptMail r = AC.parseMail(m.getBytes(StandardCharsets.US_ASCII), NOW);
        assertTrue(r.header().isEmpty());
        assertTrue(r.errors().get(0).contains("multipart/report"), r.errors().toString());
    }

    @Test
    void parseMail_fromWithSeveralAddresses_hasNoHeader() throws Exception {
        byte[] m = mail(ALICE + ", bob@kin.example", null, header(TestKeys.ALICE, ALICE, true));
        AutocryptMail r = AC.parseMail(m, NOW);
        assertTrue(r.header().isEmpty());
        assertNull(r.from());
    }
}
