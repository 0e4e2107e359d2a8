package dev.kinbox.actors.remailer;

import static dev.kinbox.actors.remailer.ListFixture.LIST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Loops, floods, oversized and malformed mail: refused or dropped with a reason, never a crash. */
class RemailerHostileInputTest {
    static final String ALICE = "alice@example.test", BOB = "bob@example.test";
    ListFixture f;
    OpenPGPKey alice;
    Roster roster;

    @BeforeEach
    void setUp() throws Exception {
        f = new ListFixture();
        alice = f.key(ALICE);
        roster = f.roster(ListSettings.defaults(LIST).withLimits(4096, 3, Duration.ofMinutes(10)),
                List.of(ALICE, BOB), Arrays.asList(alice, null));
    }

    private PostOutcome.Dropped dropped(byte[] raw, PostOutcome.Reason reason) {
        PostOutcome.Dropped d = assertInstanceOf(PostOutcome.Dropped.class, f.pipeline.process(roster, raw));
        assertEquals(reason, d.reason(), d.detail());
        assertTrue(d.outgoing().isEmpty());
        return d;
    }

    @Test
    void ourOwnListIdComingBack_isDroppedAsALoop_withoutReply() {
        String raw = ListFixture.text(f.plain(ALICE, "hi", "x", null));
        dropped(("List-Id: Friends <friends.kinbox.test>\r\n" + raw).getBytes(), PostOutcome.Reason.LOOP);
        dropped(("X-Loop: " + LIST + "\r\n" + raw).getBytes(), PostOutcome.Reason.LOOP);
        dropped(("Auto-Submitted: auto-replied\r\n" + raw).getBytes(), PostOutcome.Reason.LOOP);
        dropped(f.plain(LIST, "hi", "x", null), PostOutcome.Reason.LOOP);
        dropped(f.plain("MAILER-DAEMON@example.test", "Undelivered", "x", null), PostOutcome.Reason.LOOP);
    }

    @Test
    void aCopyTheListSentItself_isDroppedWhenItComesBack() {
        PostOutcome.Delivered d = assertInstanceOf(PostOutcome.Delivered.class, f.pipeline.process(roster, f.plain(ALICE, "hi", "x", null)));
        dropped(d.deliveries().get(0).raw(), PostOutcome.Reason.LOOP);
    }

    @Test
    void moreThanTheFloodLimitPerSender_isDropped_untilTheWindowPasses() {
        f.clock.advance(Duration.ofMinutes(11)); // the subscribe mails of setUp counted too; let them expire
        Roster r = roster;
        for (int i = 0; i < 3; i++) {
            PostOutcome o = f.pipeline.process(r, f.plain(BOB, "post " + i, "x", null));
            assertInstanceOf(PostOutcome.Delivered.class, o);
            r = r.applyAll(o.events());
            f.clock.advance(Duration.ofSeconds(1));
        }
        PostOutcome.Dropped d = assertInstanceOf(PostOutcome.Dropped.class, f.pipeline.process(r, f.plain(BOB, "post 4", "x", null)));
        assertEquals(PostOutcome.Reason.FLOOD, d.reason());
        assertInstanceOf(PostOutcome.Delivered.class, f.pipeline.process(r, f.plain(ALICE, "other sender", "x", null)));
        f.clock.advance(Duration.ofMinutes(10));
        assertInstanceOf(PostOutcome.Delivered.class, f.pipeline.process(r, f.plain(BOB, "later", "x", null)));
    }

    @Test
    void oversizedPost_isRefusedWithAReply_fromItsHeadersAlone() {
        byte[] big = f.plain(BOB, "big", "y".repeat(5000), null);
        PostOutcome.Refused r = assertInstanceOf(PostOutcome.Refused.class, f.pipeline.process(roster, big));
        assertEquals(PostOutcome.Reason.OVERSIZED, r.reason());
        assertEquals(BOB, r.reply().recipient());
        assertTrue(ListFixture.text(r.reply().raw()).contains("larger than the list's limit of 4096 bytes"));
        // the service passes only the header section of a mail whose stored size is over the cap
        byte[] headersOnly = ListFixture.text(big).substring(0, ListFixture.text(big).indexOf("\r\n\r\n") + 4).getBytes();
        assertEquals(PostOutcome.Reason.OVERSIZED,
                assertInstanceOf(PostOutcome.Refused.class, f.pipeline.process(roster, headersOnly, 10_000_000)).reason());
    }

    @Test
    void mailWithoutUsableFrom_isDroppedAsMalformed() {
        dropped("Subject: no from\r\n\r\nbody\r\n".getBytes(), PostOutcome.Reason.MALFORMED);
        dropped("From: a@x.test, b@x.test\r\nSubject: two\r\n\r\nbody\r\n".getBytes(), PostOutcome.Reason.MALFORMED);
        dropped(new byte[0], PostOutcome.Reason.MALFORMED);
        dropped(null, PostOutcome.Reason.MALFORMED);
    }

    @Test
    void brokenPgpMime_isRefusedAsMalformed() {
        byte[] three = (ListFixture.text(f.plain(ALICE, "x", "", null)).replace("Content-Type: text/plain; charset=us-ascii",
                "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"q\"")
                + "--q\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n--q\r\nContent-Type: application/octet-stream\r\n\r\n"
                + "-----BEGIN PGP MESSAGE-----\r\n\r\nbm90IHBncA==\r\n-----END PGP MESSAGE-----\r\n--q--\r\n").getBytes();
        PostOutcome.Refused r = assertInstanceOf(PostOutcome.Refused.class, f.pipeline.process(roster, three));
        assertEquals(PostOutcome.Reason.MALFORMED, r.reason());
        assertFalse(r.detail().isEmpty());
    }

    @Test
    void randomAndMutatedInput_neverThrows_andAlwaysYieldsAnOutcome() throws Exception {
        Random rnd = new Random(8);
        byte[] seed = f.encrypted(ALICE, alice, "fuzz", f.autocrypt(ALICE, alice));
        for (int i = 0; i < 150; i++) {
            byte[] in;
            if (i % 3 == 0) {
                in = new byte[rnd.nextInt(3000) + 1];
                rnd.nextBytes(in);
            } else {
                in = seed.clone();
                for (int k = 0; k < 1 + rnd.nextInt(20); k++) in[rnd.nextInt(in.length)] = (byte) rnd.nextInt(256);
            }
            PostOutcome o = f.pipeline.process(roster, in);
            assertNotNull(o);
            for (OutgoingMail m : o.outgoing()) assertFalse(new String(m.raw(), StandardCharsets.ISO_8859_1).contains("fuzz"));
        }
    }
}
