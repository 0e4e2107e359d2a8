package dev.kinbox.actors.remailer;

import static dev.kinbox.actors.remailer.ListFixture.LIST;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.AutocryptHeader;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.crypto.Decrypted;
import jakarta.mail.internet.MimeMessage;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RemailerPipelineTest {
    static final String ALICE = "alice@example.test", BOB = "bob@example.test", CAROL = "carol@example.test";
    ListFixture f;
    OpenPGPKey alice, bob;
    Roster roster;

    @BeforeEach
    void setUp() throws Exception {
        f = new ListFixture();
        alice = f.key(ALICE);
        bob = f.key(BOB);
        roster = f.roster(ListSettings.defaults(LIST), List.of(ALICE, BOB, CAROL), Arrays.asList(alice, bob, null));
    }

    @Test
    void encryptedPost_reachesKeyHoldersRewrapped_withIdenticalPayload_andTheOthersANotice() throws Exception {
        byte[] post = f.encrypted(ALICE, alice, "the secret plan 42", null);
        PostOutcome.Delivered d = assertInstanceOf(PostOutcome.Delivered.class, f.pipeline.process(roster, post));
        assertTrue(d.encrypted());
        assertEquals(List.of(ALICE, BOB), ListFixture.recipients(d.deliveries()));
        assertEquals(List.of(CAROL), ListFixture.recipients(d.notices()));
        byte[] original = ListFixture.payload(ListFixture.armoredPart(post));
        for (OutgoingMail m : d.deliveries()) {
            assertArrayEquals(original, ListFixture.payload(ListFixture.armoredPart(m.raw())), "payload changed for " + m.recipient());
        }
        Decrypted a = f.crypto.autocrypt().decryptMail(d.deliveries().get(0).raw(), List.of(alice), List.of(alice.toCertificate()));
        Decrypted b = f.crypto.autocrypt().decryptMail(d.deliveries().get(1).raw(), List.of(bob), List.of(alice.toCertificate()));
        assertTrue(ListFixture.text(b.plaintext()).contains("the secret plan 42"));
        assertTrue(ListFixture.text(a.plaintext()).contains("the secret plan 42"));
        assertEquals(List.of(Crypto.fingerprint(alice.toCertificate())), b.verifiedSigners());
        // bob's copy is not readable with alice's key: each copy is wrapped for its own subscriber only
        assertThrows(CryptoException.NoMatchingKey.class,
                () -> f.crypto.autocrypt().decryptMail(d.deliveries().get(1).raw(), List.of(alice), List.of()));
        for (OutgoingMail m : d.outgoing()) assertFalse(ListFixture.text(m.raw()).contains("secret plan"), m.toString());
        String notice = ListFixture.text(d.notices().get(0).raw());
        assertTrue(notice.contains("could not receive") && notice.contains(ALICE), notice);
    }

    @Test
    void encryptedPost_withCorruptedPayload_isStillRewrapped_soTheListNeverDecryptsIt() throws Exception {
        byte[] armored = f.crypto.encryptAndSign("Content-Type: text/plain\r\n\r\nhidden\r\n".getBytes(),
                List.of(f.listKey.toCertificate()), List.of(alice), true);
        byte[] post = f.pgpMime(ALICE, ListFixture.corruptPayload(armored), null);
        // decrypting this payload fails its integrity check, so a pipeline that decrypted would refuse it
        assertThrows(CryptoException.class, () -> f.crypto.autocrypt().decryptMail(post, List.of(f.listKey), List.of()));
        PostOutcome.Delivered d = assertInstanceOf(PostOutcome.Delivered.class, f.pipeline.process(roster, post));
        assertEquals(2, d.deliveries().size());
        assertArrayEquals(ListFixture.payload(ListFixture.armoredPart(post)), ListFixture.payload(ListFixture.armoredPart(d.deliveries().get(1).raw())));
        assertThrows(CryptoException.class, () -> f.crypto.autocrypt().decryptMail(d.deliveries().get(1).raw(), List.of(bob), List.of()));
    }

    @Test
    void copies_carryListHeaders_andTheListAutocryptHeaderWithCounts() throws Exception {
        PostOutcome.Delivered d = assertInstanceOf(PostOutcome.Delivered.class,
                f.pipeline.process(roster, f.encrypted(BOB, bob, "hi", f.autocrypt(BOB, bob))));
        MimeMessage m = ListFixture.mime(d.deliveries().get(0).raw());
        assertEquals("<friends.kinbox.test>", m.getHeader("List-Id")[0]);
        assertEquals("<mailto:" + LIST + ">", m.getHeader("List-Post")[0]);
        assertEquals(1, m.getHeader("Autocrypt").length, "the sender's own Autocrypt header must be stripped");
        AutocryptHeader h = f.crypto.autocrypt().parseHeader(m.getHeader("Autocrypt")[0], LIST);
        assertEquals(LIST, h.addr());
        assertEquals(Crypto.fingerprint(f.listKey.toCertificate()), h.fingerprint());
        assertEquals("available", h.nonCritical().get("_list-recommendation"));
        assertEquals("2/3", h.nonCritical().get("_list-recipients"));
    }

    @Test
    void plaintextPost_inAvailableMode_goesOutPlain_withoutSenderKeyHeaderOrAttachedKey() throws Exception {
        String b = "mixed-b";
        byte[] post = (new String(f.plain(ALICE, "hello", "x", f.autocrypt(ALICE, alice)))
                .replace("Content-Type: text/plain; charset=us-ascii\r\n\r\nx\r\n",
                        "Content-Type: multipart/mixed; boundary=\"" + b + "\"\r\n\r\n--" + b
                        + "\r\nContent-Type: text/plain\r\n\r\nhello all\r\n--" + b
                        + "\r\nContent-Type: application/pgp-keys; name=\"key.asc\"\r\n\r\n" + Crypto.armor(alice.toCertificate())
                        + "\r\n--" + b + "--\r\n")).getBytes();
        PostOutcome.Delivered d = assertInstanceOf(PostOutcome.Delivered.class, f.pipeline.process(roster, post));
        assertFalse(d.encrypted());
        assertEquals(List.of(ALICE, BOB, CAROL), ListFixture.recipients(d.deliveries()));
        String copy = ListFixture.text(d.deliveries().get(2).raw());
        assertTrue(copy.contains("hello all"));
        assertFalse(copy.contains("application/pgp-keys"), copy);
        assertFalse(copy.contains("BEGIN PGP PUBLIC KEY"), copy);
        MimeMessage m = ListFixture.mime(d.deliveries().get(2).raw());
        assertTrue(m.getHeader("Autocrypt")[0].startsWith("addr=" + LIST), "only the list's own header");
        assertEquals(1, m.getHeader("Autocrypt").length);
    }

    @Test
    void plaintextPost_inMandatoryMode_isRefusedWithAnExplanatoryReply() throws Exception {
        Roster mandatory = roster.apply(new RosterEvent.ListSettingChanged(
                roster.settings().withRecommendation(ListSettings.Mode.MANDATORY), f.clock.instant()));
        PostOutcome.Refused r = assertInstanceOf(PostOutcome.Refused.class,
                f.pipeline.process(mandatory, f.plain(BOB, "plain", "not encrypted", null)));
        assertEquals(PostOutcome.Reason.PLAINTEXT_REFUSED, r.reason());
        assertEquals(BOB, r.reply().recipient());
        String reply = ListFixture.text(r.reply().raw());
        assertTrue(reply.contains("only accepts encrypted posts"), reply);
        assertTrue(reply.contains("Auto-Submitted: auto-replied"));
        assertTrue(reply.contains("_list-recommendation=mandatory"), "the reply carries the list key to encrypt to");
        // an encrypted post still goes through in mandatory mode
        assertInstanceOf(PostOutcome.Delivered.class, f.pipeline.process(mandatory, f.encrypted(BOB, bob, "ok", null)));
    }

    @Test
    void post_fromNonSubscriber_isRefused() throws Exception {
        PostOutcome.Refused r = assertInstanceOf(PostOutcome.Refused.class,
                f.pipeline.process(roster, f.plain("mallory@evil.test", "hi", "spam", null)));
        assertEquals(PostOutcome.Reason.NOT_SUBSCRIBED, r.reason());
        assertEquals("mallory@evil.test", r.reply().recipient());
    }

    @Test
    void encryptedPost_notToTheListKey_isRefused() throws Exception {
        byte[] armored = f.crypto.encryptAndSign("x".getBytes(), List.of(bob.toCertificate()), List.of(), true);
        PostOutcome.Refused r = assertInstanceOf(PostOutcome.Refused.class, f.pipeline.process(roster, f.pgpMime(ALICE, armored, null)));
        assertEquals(PostOutcome.Reason.NOT_ENCRYPTED_TO_LIST, r.reason());
    }

    @Test
    void digestMode_queuesMissedMessages_andDigestSendsOneNoticeAndClearsTheQueue() throws Exception {
        Roster r = roster.apply(new RosterEvent.ListSettingChanged(
                roster.settings().withNotices(ListSettings.NoticeMode.DIGEST), f.clock.instant()));
        for (int i = 0; i < 2; i++) {
            PostOutcome.Delivered d = assertInstanceOf(PostOutcome.Delivered.class, f.pipeline.process(r, f.encrypted(ALICE, alice, "m" + i, null)));
            assertTrue(d.notices().isEmpty());
            r = r.applyAll(d.events());
        }
        assertEquals(2, r.missed().get(CAROL).size());
        PostOutcome.Delivered digest = f.pipeline.digest(r);
        assertEquals(List.of(CAROL), ListFixture.recipients(digest.notices()));
        assertTrue(ListFixture.text(digest.notices().get(0).raw()).contains("2 message(s)"));
        r = r.applyAll(digest.events());
        assertNull(r.missed().get(CAROL));
        assertTrue(f.pipeline.digest(r).notices().isEmpty());
    }

    @Test
    void pipelineConstructor_refusesAListKeyWithoutEncryptionSubkey() throws Exception {
        OpenPGPKey expired = f.crypto.generateKey("<x@kinbox.test>", 1);
        f.clock.advance(java.time.Duration.ofDays(1));
        assertThrows(RemailerException.InvalidConfiguration.class, () -> new RemailerPipeline(f.crypto, expired, f.clock));
        assertNotNull(f.pipeline);
    }
}
