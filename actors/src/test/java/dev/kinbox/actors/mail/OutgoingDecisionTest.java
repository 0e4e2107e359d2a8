package dev.kinbox.actors.mail;

import static dev.kinbox.actors.mail.Fixtures.CRYPTO;
import static dev.kinbox.actors.mail.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.AutocryptHeader;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.Recommendation;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.PeerEvent.PeerGossipSeen;
import dev.kinbox.persistence.PeerEvent.PeerMailSeen;
import dev.kinbox.persistence.crdt.Bytes;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.Test;

/** prepareOutgoing: recommendation, decision and the message built, for one and several recipients. */
class OutgoingDecisionTest extends OutgoingTestBase {
    @Test
    void prepareOutgoing_unknownRecipient_disable_plainWithOurHeader() throws Exception {
        OutgoingDecision d = send(base, OutgoingPolicy.AUTOMATIC, BOB);
        assertEquals(Recommendation.DISABLE, d.recommendation());
        assertFalse(d.encrypted());
        assertTrue(d.reason().startsWith("not encrypted") && d.reason().contains("no usable key"), d.reason());
        AutocryptHeader h = ourHeader(d);
        assertEquals(ME, h.addr());
        assertEquals(Crypto.fingerprint(me), h.fingerprint());
        assertFalse(h.mutual());
        assertTrue(d.message().isMimeType("text/plain"));
    }

    @Test
    void prepareOutgoing_ownSettingMutual_headerSaysMutual() throws Exception {
        OutgoingDecision d = send(Fixtures.mutual(base, dev), OutgoingPolicy.AUTOMATIC, BOB);
        assertTrue(ourHeader(d).mutual());
    }

    @Test
    void prepareOutgoing_gossipOnlyRecipient_discourage_notEncrypted() throws Exception {
        AccountState s = base.apply(new PeerGossipSeen(dev.nextDot(), dev.now(), BOB, NOW.toEpochMilli(),
                Crypto.fingerprint(bob), Bytes.of(bob.toCertificate().getEncoded())));
        OutgoingDecision d = send(s, OutgoingPolicy.AUTOMATIC, BOB);
        assertEquals(Recommendation.DISCOURAGE, d.recommendation());
        assertFalse(d.encrypted());
    }

    @Test
    void prepareOutgoing_staleHeader_discourage() throws Exception {
        AccountState s = Fixtures.knows(base, dev, BOB, bob, true, NOW.minus(Duration.ofDays(90)));
        s = s.apply(new PeerMailSeen(dev.nextDot(), dev.now(), BOB, NOW.minus(Duration.ofDays(1)).toEpochMilli()));
        assertEquals(Recommendation.DISCOURAGE, send(Fixtures.mutual(s, dev), OutgoingPolicy.AUTOMATIC, BOB).recommendation());
    }

    @Test
    void prepareOutgoing_noPreference_available_notEncrypted() throws Exception {
        AccountState s = Fixtures.mutual(Fixtures.knows(base, dev, BOB, bob, false, NOW), dev);
        OutgoingDecision d = send(s, OutgoingPolicy.AUTOMATIC, BOB);
        assertEquals(Recommendation.AVAILABLE, d.recommendation());
        assertFalse(d.encrypted());
    }

    @Test
    void prepareOutgoing_peerMutualButWeNot_available() throws Exception {
        AccountState s = Fixtures.knows(base, dev, BOB, bob, true, NOW);
        assertEquals(Recommendation.AVAILABLE, send(s, OutgoingPolicy.AUTOMATIC, BOB).recommendation());
    }

    @Test
    void prepareOutgoing_bothMutual_encrypt_decryptsForBobWithVerifiedSignature() throws Exception {
        AccountState s = Fixtures.mutual(Fixtures.knows(base, dev, BOB, bob, true, NOW), dev);
        OutgoingDecision d = send(s, OutgoingPolicy.AUTOMATIC, BOB);
        assertEquals(Recommendation.ENCRYPT, d.recommendation());
        assertTrue(d.encrypted());
        assertTrue(d.message().isMimeType("multipart/encrypted"));
        assertTrue(d.message().getContentType().contains("application/pgp-encrypted"), d.message().getContentType());
        assertEquals(List.of(), d.gossiped()); // one recipient: no gossip
        var plain = CRYPTO.autocrypt().decryptMail(Fixtures.bytes(d.message()), List.of(bob), List.of(me.toCertificate()));
        assertEquals(List.of(Crypto.fingerprint(me)), plain.verifiedSigners());
        assertTrue(new String(plain.plaintext(), java.nio.charset.StandardCharsets.UTF_8).contains("hello"));
        assertEquals(Crypto.fingerprint(me), ourHeader(d).fingerprint()); // outer header still there
    }

    @Test
    void prepareOutgoing_replyToEncrypted_encryptEvenWithoutMutual() throws Exception {
        AccountState s = Fixtures.knows(base, dev, BOB, bob, false, NOW);
        OutgoingDecision d = send(s, new OutgoingPolicy(OutgoingPolicy.Choice.AUTOMATIC, true), BOB);
        assertEquals(Recommendation.ENCRYPT, d.recommendation());
        assertTrue(d.encrypted());
    }

    @Test
    void prepareOutgoing_plainChoice_overridesEncryptRecommendation() throws Exception {
        AccountState s = Fixtures.mutual(Fixtures.knows(base, dev, BOB, bob, true, NOW), dev);
        OutgoingDecision d = send(s, new OutgoingPolicy(OutgoingPolicy.Choice.PLAIN, false), BOB);
        assertEquals(Recommendation.ENCRYPT, d.recommendation());
        assertFalse(d.encrypted());
        assertTrue(d.reason().contains("you chose a plain mail"));
    }

    @Test
    void prepareOutgoing_encryptChoice_withAvailableKey_encrypts_butRefusesWithoutKey() throws Exception {
        AccountState s = Fixtures.knows(base, dev, BOB, bob, false, NOW);
        OutgoingPolicy force = new OutgoingPolicy(OutgoingPolicy.Choice.ENCRYPT, false);
        assertTrue(send(s, force, BOB).encrypted());
        var e = assertThrows(MailProcessingException.Refused.class, () -> send(s, force, BOB, CAROL));
        assertTrue(e.getMessage().contains(CAROL), e.getMessage());
    }

    @Test
    void prepareOutgoing_severalRecipients_weakestWins() throws Exception {
        AccountState s = Fixtures.mutual(Fixtures.knows(Fixtures.knows(base, dev, BOB, bob, true, NOW), dev, CAROL, carol, false, NOW), dev);
        OutgoingDecision d = send(s, OutgoingPolicy.AUTOMATIC, BOB, CAROL);
        assertEquals(Map.of(BOB, Recommendation.ENCRYPT, CAROL, Recommendation.AVAILABLE), d.perRecipient());
        assertEquals(Recommendation.AVAILABLE, d.recommendation());
        assertFalse(d.encrypted());
    }

    @Test
    void prepareOutgoing_combinedRecommendation_equalsCryptosSeveralPeerRecommend_whenNoOverrides() throws Exception {
        for (int b = 0; b < 4; b++) {
            for (int c = 0; c < 4; c++) {
                AccountState s = Fixtures.mutual(peerIn(peerIn(base, BOB, bob, b), CAROL, carol, c), dev);
                Keyring ring = new Keyring(s);
                Recommendation expected = CRYPTO.autocrypt().recommend(List.of(ring.levelOne(BOB), ring.levelOne(CAROL)),
                        true, false, NOW);
                assertEquals(expected, send(s, OutgoingPolicy.AUTOMATIC, BOB, CAROL).recommendation(), "case " + b + "/" + c);
            }
        }
    }

    // 0 unknown, 1 gossip only, 2 header without preference, 3 mutual header
    private AccountState peerIn(AccountState s, String addr, OpenPGPKey key, int kind) throws Exception {
        return switch (kind) {
            case 0 -> s;
            case 1 -> s.apply(new PeerGossipSeen(dev.nextDot(), dev.now(), addr, NOW.toEpochMilli(), Crypto.fingerprint(key),
                    Bytes.of(key.toCertificate().getEncoded())));
            default -> Fixtures.knows(s, dev, addr, key, kind == 3, NOW);
        };
    }

    @Test
    void prepareOutgoing_severalMutualRecipients_encryptedForEach_withGossipForBoth_andReadableByUs() throws Exception {
        AccountState s = Fixtures.mutual(Fixtures.knows(Fixtures.knows(base, dev, BOB, bob, true, NOW), dev, CAROL, carol, true, NOW), dev);
        OutgoingDecision d = MAIL.prepareOutgoing(Fixtures.draft(ME, List.of(BOB), List.of(CAROL), "group", NOW), s, keys,
                OutgoingPolicy.AUTOMATIC);
        assertTrue(d.encrypted());
        assertEquals(List.of(BOB, CAROL), d.gossiped());
        byte[] raw = Fixtures.bytes(d.message());
        for (OpenPGPKey reader : List.of(bob, carol, me)) {
            var plain = CRYPTO.autocrypt().decryptMail(raw, List.of(reader), List.of(me.toCertificate()));
            assertEquals(List.of(Crypto.fingerprint(me)), plain.verifiedSigners());
            List<String> errors = new java.util.ArrayList<>();
            List<AutocryptHeader> g = CRYPTO.autocrypt().readGossip(raw, List.of(reader), errors);
            assertEquals(Map.of(BOB, Crypto.fingerprint(bob), CAROL, Crypto.fingerprint(carol)),
                    Map.of(g.get(0).addr(), g.get(0).fingerprint(), g.get(1).addr(), g.get(1).fingerprint()));
            assertTrue(errors.isEmpty(), errors.toString());
        }
    }

    @Test
    void prepareOutgoing_bccRecipient_encryptedTo_butNotGossiped() throws Exception {
        AccountState s = Fixtures.mutual(Fixtures.knows(Fixtures.knows(Fixtures.knows(base, dev, BOB, bob, true, NOW),
                dev, CAROL, carol, true, NOW), dev, LIST, list, true, NOW), dev);
        MimeMessage m = Fixtures.draft(ME, List.of(BOB), List.of(CAROL), "bcc", NOW);
        m.addRecipients(jakarta.mail.Message.RecipientType.BCC, LIST);
        OutgoingDecision d = MAIL.prepareOutgoing(m, s, keys, OutgoingPolicy.AUTOMATIC);
        assertTrue(d.encrypted());
        assertEquals(List.of(BOB, CAROL), d.gossiped());
        CRYPTO.autocrypt().decryptMail(Fixtures.bytes(d.message()), List.of(list), List.of()); // the Bcc can read it
    }

    @Test
    void prepareOutgoing_multipartDraftWithAttachment_innerEntityKeepsTheWholeStructure() throws Exception {
        AccountState s = Fixtures.mutual(Fixtures.knows(base, dev, BOB, bob, true, NOW), dev);
        MimeMessage m = Fixtures.draft(ME, List.of(BOB), List.of(), "x", NOW);
        var mixed = new jakarta.mail.internet.MimeMultipart();
        var text = new jakarta.mail.internet.MimeBodyPart();
        text.setText("see attachment", "utf-8");
        var att = new jakarta.mail.internet.MimeBodyPart();
        att.setContent(new byte[] {0, 1, 2, (byte) 255}, "application/octet-stream");
        att.setFileName("data.bin");
        mixed.addBodyPart(text);
        mixed.addBodyPart(att);
        m.setContent(mixed);
        OutgoingDecision d = MAIL.prepareOutgoing(m, s, keys, OutgoingPolicy.AUTOMATIC);
        assertTrue(d.encrypted());
        var plain = CRYPTO.autocrypt().decryptMail(Fixtures.bytes(d.message()), List.of(bob), List.of());
        var inner = new jakarta.mail.internet.MimeBodyPart(new java.io.ByteArrayInputStream(plain.plaintext()));
        assertTrue(inner.isMimeType("multipart/mixed"));
        var parts = (jakarta.mail.Multipart) inner.getContent();
        assertEquals(2, parts.getCount());
        assertEquals("data.bin", parts.getBodyPart(1).getFileName());
        assertArrayEquals(new byte[] {0, 1, 2, (byte) 255}, parts.getBodyPart(1).getInputStream().readAllBytes());
    }

    @Test
    void prepareOutgoing_keepsTheDraftsMessageId_plainAndEncrypted_evenAfterAnotherSaveChanges() throws Exception {
        AccountState s = Fixtures.mutual(Fixtures.knows(base, dev, BOB, bob, true, NOW), dev);
        for (AccountState st : List.of(base, s)) {
            MimeMessage m = Fixtures.draft(ME, List.of(BOB), List.of(), "x", NOW);
            m.setHeader("Message-ID", "<draft-1@kinbox.test>");
            OutgoingDecision d = MAIL.prepareOutgoing(m, st, keys, OutgoingPolicy.AUTOMATIC);
            d.message().saveChanges(); // as Transport.send does
            assertEquals("<draft-1@kinbox.test>", d.message().getMessageID());
        }
    }

    @Test
    void prepareOutgoing_fromNotTheAccount_refused() throws Exception {
        MimeMessage m = Fixtures.draft(BOB, List.of(CAROL), List.of(), "x", NOW);
        assertThrows(MailProcessingException.Refused.class, () -> MAIL.prepareOutgoing(m, base, keys, OutgoingPolicy.AUTOMATIC));
    }

    @Test
    void prepareOutgoing_noAccountKey_refused() throws Exception {
        MimeMessage m = Fixtures.draft(ME, List.of(BOB), List.of(), "x", NOW);
        assertThrows(MailProcessingException.Refused.class, () -> MAIL.prepareOutgoing(m, AccountState.EMPTY,
                MAIL.accountKeys(AccountState.EMPTY), OutgoingPolicy.AUTOMATIC));
    }

    @Test
    void prepareOutgoing_draftWithForeignAutocryptHeader_replacedByOurs() throws Exception {
        MimeMessage m = Fixtures.draft(ME, List.of(BOB), List.of(), "x", NOW);
        m.addHeader("Autocrypt", CRYPTO.autocrypt().formatHeader(ME, bob.toCertificate(), true));
        OutgoingDecision d = MAIL.prepareOutgoing(m, base, keys, OutgoingPolicy.AUTOMATIC);
        assertEquals(1, d.message().getHeader("Autocrypt").length);
        assertEquals(Crypto.fingerprint(me), ourHeader(d).fingerprint());
    }
}
