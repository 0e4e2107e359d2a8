package dev.kinbox.crypto;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.Test;

class PairingTest {
    static final Crypto CRYPTO = TestKeys.CRYPTO;
    static final Pairing P = CRYPTO.pairing();
    static final byte[] ACCOUNT = "account key bytes".getBytes(StandardCharsets.UTF_8);

    /** Outcome of one short-code run between EXISTING (A) and NEW (B) through a channel. */
    record Outcome(boolean aFailed, boolean bFailed, byte[] bReceived, ShortCodePairing a, ShortCodePairing b) {}

    /**
     * The documented message order: A1, B1, B2, A2, A3, B3 (B sends B3 only after confirming A3),
     * then A seals the account key, B opens it and answers with a sealed ack that A opens.
     * {@code channel} sees every message (index, bytes) and returns what is delivered.
     */
    static Outcome run(String codeA, String codeB, Channel channel) throws Exception {
        byte[] sid = P.newSessionId();
        ShortCodePairing a = P.shortCode(Pairing.Role.EXISTING, codeA, sid);
        ShortCodePairing b = P.shortCode(Pairing.Role.NEW, codeB, sid);
        // a side succeeds only by reaching its last step: B by opening the payload, A by opening B's ack
        boolean aOk = false, bOk = false;
        byte[] received = null;
        try {
            byte[] a1 = channel.pass(0, a.round1());
            byte[] b1 = channel.pass(1, b.round1());
            byte[] b2 = channel.pass(2, b.round2(a1));
            byte[] a2 = channel.pass(3, a.round2(b1));
            byte[] a3 = channel.pass(4, a.round3(b2));
            byte[] b3raw = b.round3(a2);
            b.confirm(a3);
            byte[] b3 = channel.pass(5, b3raw);
            a.confirm(b3);
            byte[] sealed = channel.pass(6, a.seal(ACCOUNT));
            received = b.open(sealed);
            bOk = true;
            byte[] ack = channel.pass(7, b.seal("ack".getBytes()));
            a.open(ack);
            aOk = true;
        } catch (CryptoException.PairingAborted e) {
            // the side that threw is aborted; the other never gets its next message
            if (System.getenv("PAIRING_DEBUG") != null) e.printStackTrace();
        }
        return new Outcome(!aOk, !bOk, received, a, b);
    }

    interface Channel {
        byte[] pass(int index, byte[] msg) throws Exception;
    }

    @Test
    void shortCode_honestRun_sharesKeyAndDeliversPayload() throws Exception {
        for (int i = 0; i < 12; i++) { // many runs: encodings must hold for every MAC/scalar value
            String code = P.newShortCode(10);
            Outcome o = run(code, code, (n, m) -> m);
            assertFalse(o.aFailed() || o.bFailed(), "run " + i);
            assertArrayEquals(ACCOUNT, o.bReceived());
            assertArrayEquals(o.a().keyForTest(), o.b().keyForTest());
        }
    }

    @Test
    void shortCode_wrongCode_bothSidesFail_andSessionStaysDead() throws Exception {
        Outcome o = run("12345678", "12345679", (i, m) -> m);
        assertTrue(o.aFailed() && o.bFailed());
        assertNull(o.bReceived());
        assertNull(o.a().keyForTest());
        assertThrows(CryptoException.PairingAborted.class, () -> o.b().round1());
    }

    @Test
    void shortCode_tooShortCode_isRefused() {
        assertThrows(CryptoException.WrongSecret.class, () -> P.shortCode(Pairing.Role.NEW, "1234567", P.newSessionId()));
    }

    @Test
    void shortCode_attackerAltersAnyMessage_noSharedKey_bothReportFailure() throws Exception {
        String code = P.newShortCode(8);
        Random rnd = new Random(42);
        for (int target = 0; target < 8; target++) {
            for (int trial = 0; trial < 6; trial++) {
                int t = target;
                Outcome o = run(code, code, (i, m) -> {
                    if (i != t) return m;
                    byte[] x = m.clone();
                    x[rnd.nextInt(x.length)] ^= (byte) (1 << rnd.nextInt(8));
                    return x;
                });
                if (t < 7) {
                    assertTrue(o.aFailed() && o.bFailed(), "message " + t + " altered: both must fail");
                    assertNull(o.bReceived(), "message " + t + " altered: no payload");
                } else {
                    // only the final ack was altered: B holds the genuine key, A refuses to mark it paired
                    assertTrue(o.aFailed());
                    assertArrayEquals(ACCOUNT, o.bReceived());
                }
            }
        }
    }

    @Test
    void shortCode_attackerReplacesMessages_withOwnSessions_neverSharesKey() throws Exception {
        String code = P.newShortCode(10);
        byte[] sid = P.newSessionId();
        ShortCodePairing a = P.shortCode(Pairing.Role.EXISTING, code, sid);
        ShortCodePairing b = P.shortCode(Pairing.Role.NEW, code, sid);
        // Mallory runs her own sessions with a guessed code against each side
        ShortCodePairing mToA = P.shortCode(Pairing.Role.NEW, "00000000", sid);
        ShortCodePairing mToB = P.shortCode(Pairing.Role.EXISTING, "00000000", sid);
        byte[] a1 = a.round1(), m1a = mToA.round1();
        byte[] b1 = b.round1(), m1b = mToB.round1();
        byte[] a2 = a.round2(m1a), m2a = mToA.round2(a1);
        byte[] b2 = b.round2(m1b), m2b = mToB.round2(b1);
        byte[] a3 = a.round3(m2a), m3a = mToA.round3(a2);
        byte[] m3b = mToB.round3(b2);
        b.round3(m2b);
        assertThrows(CryptoException.PairingAborted.class, () -> b.confirm(m3b));
        assertThrows(CryptoException.PairingAborted.class, () -> a.confirm(m3a));
        assertThrows(CryptoException.PairingAborted.class, () -> mToA.confirm(a3));
        assertTrue(a.aborted() && b.aborted());
        assertNull(a.keyForTest());
        assertNull(b.keyForTest());
        assertNull(mToA.keyForTest());
        assertThrows(CryptoException.PairingAborted.class, () -> a.seal(ACCOUNT));
    }

    @Test
    void shortCode_garbageMessages_areTypedAborts() throws Exception {
        for (byte[] junk : List.of(new byte[0], new byte[] {'K', 'P', 1, 1}, new byte[500], "KP\u0001\u0001\u0005hello".getBytes())) {
            ShortCodePairing s = P.shortCode(Pairing.Role.NEW, "12345678", P.newSessionId());
            s.round1();
            assertThrows(CryptoException.PairingAborted.class, () -> s.round2(junk));
            assertTrue(s.aborted());
        }
    }

    @Test
    void qr_honestRun_deliversAccountKey() throws Exception {
        Pairing.QrOffer offer = P.newQrOffer();
        Pairing.QrPayload scanned = P.parseQr(offer.payload());
        byte[] reply = P.answerQr(scanned, offer.key().toCertificate(), TestKeys.ALICE);
        OpenPGPKey got = P.acceptQr(offer, reply);
        assertEquals(Crypto.fingerprint(TestKeys.ALICE), Crypto.fingerprint(got));
        assertTrue(got.isSecretKey());
        assertFalse(offer.toString().contains(Hex.upper(offer.secret())));
    }

    @Test
    void qr_attackerReplacesNewDevicesKey_existingDeviceAborts() throws Exception {
        Pairing.QrOffer offer = P.newQrOffer();
        Pairing.QrOffer mallory = P.newQrOffer();
        assertThrows(CryptoException.PairingAborted.class,
                () -> P.answerQr(P.parseQr(offer.payload()), mallory.key().toCertificate(), TestKeys.ALICE));
    }

    @Test
    void qr_attackerReplacesOrAltersReply_newDeviceAborts() throws Exception {
        Pairing.QrOffer offer = P.newQrOffer();
        // replaced: Mallory answers with her key and a guessed secret
        byte[] forged = P.answerQr(new Pairing.QrPayload(Crypto.fingerprint(offer.key()), new byte[16]),
                offer.key().toCertificate(), TestKeys.CAROL);
        var e = assertThrows(CryptoException.PairingAborted.class, () -> P.acceptQr(offer, forged));
        assertTrue(e.getMessage().contains("secret"));
        // altered: the honest reply with a flipped bit
        byte[] honest = P.answerQr(P.parseQr(offer.payload()), offer.key().toCertificate(), TestKeys.ALICE);
        byte[] bin = Rewrap.binary(honest);
        for (int pos : new int[] {5, bin.length / 2, bin.length - 3}) {
            byte[] x = bin.clone();
            x[pos] ^= 0x10;
            assertThrows(CryptoException.PairingAborted.class, () -> P.acceptQr(offer, x));
        }
        // relayed: Mallory cannot read the honest reply
        assertThrows(CryptoException.NoMatchingKey.class,
                () -> CRYPTO.decryptAndVerify(honest, List.of(P.newQrOffer().key()), List.of()));
    }

    @Test
    void qr_malformedPayloads_areRefused() {
        for (String s : List.of("", "KINBOX-PAIR:1:zz", "KINBOX-PAIR:2:" + "A".repeat(40) + ":" + "B".repeat(32), "x".repeat(5000))) {
            assertThrows(CryptoException.PairingAborted.class, () -> P.parseQr(s));
        }
    }
}
