package dev.kinbox.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * Pairing secrets for adding a device over an untrusted server. Two paths:
 * <ul>
 *   <li>QR: the new device shows {@link QrOffer#payload()} (throwaway-key fingerprint + 128-bit
 *   secret); the existing device {@link #answerQr answers} with the account key and the secret,
 *   encrypted to that throwaway key and signed by the account key; the new device
 *   {@link #acceptQr accepts} only if the secret matches.</li>
 *   <li>Short code: {@link ShortCodePairing} (EC J-PAKE) over a code of at least 8 digits.</li>
 * </ul>
 * Wire formats are in docs/PROTOCOL.md, section "Pairing". Every failure is
 * {@link CryptoException.PairingAborted}.
 */
public final class Pairing {
    /** Which side of a short-code session this is (the ids must differ). */
    public enum Role { EXISTING, NEW }

    /** The new device's half of a QR pairing: keep {@code key} and {@code secret} private. */
    public record QrOffer(OpenPGPKey key, byte[] secret) {
        /** The text to put in the QR code. */
        public String payload() {
            return "KINBOX-PAIR:1:" + Keys.fingerprint(key) + ":" + Hex.upper(secret);
        }

        @Override
        public String toString() {
            return "QrOffer[" + Keys.fingerprint(key) + ", secret hidden]";
        }
    }

    /** What the existing device read from the QR code. */
    public record QrPayload(String fingerprint, byte[] secret) {
        @Override
        public String toString() {
            return "QrPayload[" + fingerprint + ", secret hidden]";
        }
    }

    static final int SECRET_BYTES = 16;
    private static final Pattern QR = Pattern.compile("KINBOX-PAIR:1:([0-9A-F]{40}):([0-9A-F]{32})");
    private static final String REPLY_MAGIC = "KINBOX-PAIR-REPLY 1\n";

    private final Crypto crypto;

    Pairing(Crypto crypto) {
        this.crypto = crypto;
    }

    /** A fresh code of {@code digits} (>= 8) decimal digits from the injected RNG. */
    public String newShortCode(int digits) {
        if (digits < ShortCodePairing.MIN_DIGITS) throw new IllegalArgumentException("at least 8 digits");
        StringBuilder sb = new StringBuilder(digits);
        for (int i = 0; i < digits; i++) sb.append((char) ('0' + crypto.random().nextInt(10)));
        return sb.toString();
    }

    /** A fresh 16-byte session id, sent in the clear alongside the first message. */
    public byte[] newSessionId() {
        byte[] id = new byte[16];
        crypto.random().nextBytes(id);
        return id;
    }

    /** One side of a short-code J-PAKE session. */
    public ShortCodePairing shortCode(Role role, String code, byte[] sessionId) throws CryptoException {
        return new ShortCodePairing(role.name().toLowerCase(java.util.Locale.ROOT), code, sessionId, crypto.random());
    }

    /** New device: a throwaway key and a 128-bit one-time secret. */
    public QrOffer newQrOffer() throws CryptoException {
        byte[] secret = new byte[SECRET_BYTES];
        crypto.random().nextBytes(secret);
        return new QrOffer(crypto.generateKey("kinbox pairing"), secret);
    }

    /** Existing device: parses a scanned QR payload. */
    public QrPayload parseQr(String payload) throws CryptoException {
        Matcher m = payload == null || payload.length() > 200 ? null : QR.matcher(payload.trim());
        if (m == null || !m.matches()) throw new CryptoException.PairingAborted("not a Kinbox pairing QR payload");
        return new QrPayload(m.group(1), HexFormat.of().parseHex(m.group(2)));
    }

    /**
     * Existing device: checks that {@code offered} (received over the server) is the key the QR
     * code names, then returns the account key and the secret encrypted to it.
     */
    public byte[] answerQr(QrPayload scanned, OpenPGPCertificate offered, OpenPGPKey accountKey) throws CryptoException {
        if (!Keys.fingerprint(offered).equals(scanned.fingerprint())) {
            throw new CryptoException.PairingAborted("offered key " + Keys.fingerprint(offered)
                    + " is not the one in the QR code");
        }
        String body = REPLY_MAGIC + Hex.upper(scanned.secret()) + "\n" + Crypto.armor(accountKey);
        return crypto.encryptAndSign(body.getBytes(StandardCharsets.UTF_8), List.of(offered), List.of(accountKey), true);
    }

    /** New device: opens the reply, checks the secret and the account key's signature, returns the key. */
    public OpenPGPKey acceptQr(QrOffer offer, byte[] reply) throws CryptoException {
        Decrypted d;
        try {
            d = crypto.decryptAndVerify(reply, List.of(offer.key()), List.of());
        } catch (CryptoException e) {
            throw new CryptoException.PairingAborted("pairing reply unreadable: " + e.getMessage(), e);
        }
        String text = new String(d.plaintext(), StandardCharsets.UTF_8);
        if (!text.startsWith(REPLY_MAGIC) || text.length() < REPLY_MAGIC.length() + 33) {
            throw new CryptoException.PairingAborted("not a pairing reply");
        }
        String hex = text.substring(REPLY_MAGIC.length(), REPLY_MAGIC.length() + 32);
        byte[] got;
        try {
            got = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new CryptoException.PairingAborted("bad secret in reply");
        }
        if (!MessageDigest.isEqual(got, offer.secret())) throw new CryptoException.PairingAborted("wrong pairing secret");
        OpenPGPKey account;
        try {
            account = crypto.readKey(text.substring(REPLY_MAGIC.length() + 33).getBytes(StandardCharsets.UTF_8));
        } catch (CryptoException e) {
            throw new CryptoException.PairingAborted("reply carries no key", e);
        }
        Decrypted again = crypto.decryptAndVerify(reply, List.of(offer.key()), List.of(account.toCertificate()));
        if (!again.verifiedSigners().contains(Keys.fingerprint(account))) {
            throw new CryptoException.PairingAborted("reply not signed by the account key it carries");
        }
        return account;
    }
}
