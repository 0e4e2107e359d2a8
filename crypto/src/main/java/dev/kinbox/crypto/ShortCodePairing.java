package dev.kinbox.crypto;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKEParticipant;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.util.BigIntegers;

/**
 * One side of the short-code pairing: EC J-PAKE on P-256 (three rounds, the third being
 * BC's explicit key confirmation), then HKDF-SHA256 to an AES-256-GCM key that seals the
 * payload (the account key). Any failed step aborts the session for good: every later call
 * throws {@link CryptoException.PairingAborted}. Not thread-safe.
 *
 * <p>Usage (both sides alike): {@code round1()} → send; {@code round2(peerRound1)} → send;
 * {@code round3(peerRound2)} → send; {@code confirm(peerRound3)}; then {@code seal}/{@code open}.
 */
public final class ShortCodePairing {
    /** Minimum digits of a short code. */
    public static final int MIN_DIGITS = 8;
    private static final byte[] INFO = "kinbox pairing v1 aes-256-gcm".getBytes(StandardCharsets.US_ASCII);

    private final ECJPAKEParticipant participant;
    private final SecureRandom random;
    private final byte[] sessionId;
    private BigInteger keying;
    private byte[] key;
    private boolean aborted;

    ShortCodePairing(String role, String code, byte[] sessionId, SecureRandom random)
            throws CryptoException {
        String digits = code == null ? "" : code.replaceAll("[\\s-]", "");
        if (digits.length() < MIN_DIGITS || !digits.chars().allMatch(Character::isDigit)) {
            throw new CryptoException.WrongSecret("a pairing code has at least " + MIN_DIGITS + " digits");
        }
        if (sessionId == null || sessionId.length != 16) {
            throw new CryptoException.Malformed("session id must be 16 bytes");
        }
        this.random = random;
        this.sessionId = sessionId.clone();
        this.participant = new ECJPAKEParticipant(role + ":" + Hex.upper(sessionId), digits.toCharArray(),
                JpakeWire.CURVE, new SHA256Digest(), random);
    }

    public byte[] round1() throws CryptoException {
        live();
        return guard(() -> JpakeWire.round1(participant.createRound1PayloadToSend()));
    }

    public byte[] round2(byte[] peerRound1) throws CryptoException {
        live();
        return guard(() -> {
            participant.validateRound1PayloadReceived(JpakeWire.readRound1(peerRound1));
            return JpakeWire.round2(participant.createRound2PayloadToSend());
        });
    }

    public byte[] round3(byte[] peerRound2) throws CryptoException {
        live();
        return guard(() -> {
            participant.validateRound2PayloadReceived(JpakeWire.readRound2(peerRound2));
            keying = participant.calculateKeyingMaterial();
            return JpakeWire.round3(participant.createRound3PayloadToSend(keying));
        });
    }

    /** Checks the peer's key confirmation; only after this do seal/open work. */
    public void confirm(byte[] peerRound3) throws CryptoException {
        live();
        guard(() -> {
            participant.validateRound3PayloadReceived(JpakeWire.readRound3(peerRound3), keying);
            byte[] ikm = BigIntegers.asUnsignedByteArray(keying);
            HKDFBytesGenerator h = new HKDFBytesGenerator(new SHA256Digest());
            h.init(new HKDFParameters(ikm, sessionId, INFO));
            byte[] k = new byte[32];
            h.generateBytes(k, 0, 32);
            Arrays.fill(ikm, (byte) 0);
            key = k;
            return null;
        });
    }

    /** AES-256-GCM: {@code 'K' 'P' 1 4 nonce(12) ciphertext+tag}. */
    public byte[] seal(byte[] plaintext) throws CryptoException {
        requireKey();
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(header());
            byte[] ct = c.doFinal(plaintext);
            byte[] out = new byte[4 + 12 + ct.length];
            System.arraycopy(header(), 0, out, 0, 4);
            System.arraycopy(nonce, 0, out, 4, 12);
            System.arraycopy(ct, 0, out, 16, ct.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new CryptoException.Unsupported("AES-GCM unavailable: " + e.getMessage());
        }
    }

    public byte[] open(byte[] sealed) throws CryptoException {
        requireKey();
        if (sealed == null || sealed.length < 16 + 16 || sealed.length > JpakeWire.MAX_MESSAGE
                || !Arrays.equals(Arrays.copyOf(sealed, 4), header())) {
            throw abortNow("bad sealed payload");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, sealed, 4, 12));
            c.updateAAD(header());
            return c.doFinal(sealed, 16, sealed.length - 16);
        } catch (GeneralSecurityException e) {
            throw abortNow("sealed payload failed authentication");
        }
    }

    /** True once any step failed. */
    public boolean aborted() {
        return aborted;
    }

    /** For tests: the derived key, or null before confirmation. */
    byte[] keyForTest() {
        return key == null ? null : key.clone();
    }

    private static byte[] header() {
        return new byte[] {'K', 'P', JpakeWire.VERSION, JpakeWire.PAYLOAD};
    }

    private void requireKey() throws CryptoException {
        live();
        if (key == null) throw abortNow("key not confirmed yet");
    }

    private void live() throws CryptoException.PairingAborted {
        if (aborted) throw JpakeWire.abort("session already failed");
    }

    private CryptoException.PairingAborted abortNow(String why) {
        aborted = true;
        key = null;
        return JpakeWire.abort(why);
    }

    private interface Step<T> {
        T run() throws org.bouncycastle.crypto.CryptoException, CryptoException;
    }

    private <T> T guard(Step<T> s) throws CryptoException {
        try {
            return s.run();
        } catch (CryptoException.PairingAborted e) {
            aborted = true;
            key = null;
            throw e;
        } catch (org.bouncycastle.crypto.CryptoException | CryptoException | RuntimeException e) {
            aborted = true;
            key = null;
            throw new CryptoException.PairingAborted("pairing aborted: " + e.getMessage(), e);
        }
    }
}
