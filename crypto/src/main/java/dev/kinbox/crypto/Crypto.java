package dev.kinbox.crypto;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPSessionKey;
import org.bouncycastle.openpgp.api.OpenPGPApi;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.bouncycastle.openpgp.api.bc.BcOpenPGPApi;

/**
 * The crypto module's single entry point: Autocrypt-shaped OpenPGP keys, encrypt+sign and
 * decrypt+verify, Autocrypt Level 1 ({@link #autocrypt()}), the Autocrypt Setup Message
 * ({@link #setupMessages()}), session-key re-wrap ({@link #rewrapper()}).
 *
 * <p>Keys and certificates are Bouncy Castle's {@link OpenPGPKey} / {@link OpenPGPCertificate};
 * read them with {@link #readKey} / {@link #readCertificate}, which cap sizes and turn every
 * parse failure into {@link CryptoException.Malformed}. Time comes from the injected {@link Clock},
 * secrets Kinbox itself draws (Setup Message codes, pairing secrets) from the injected
 * {@link SecureRandom}. Instances are immutable and thread-safe, and so is the use of one key or
 * certificate object from many threads at once: operations on the same key material are serialized
 * ({@code KeyLocks}), because Bouncy Castle's key objects are not thread-safe.
 */
public final class Crypto {
    /** Largest key or certificate accepted, armored or binary. */
    public static final int MAX_KEY_BYTES = 1 << 20;

    private final Clock clock;
    private final SecureRandom random;
    private final OpenPGPApi api;
    private final Messages messages;
    private final Autocrypt autocrypt;
    private final SetupMessages setupMessages;
    private final Rewrap rewrap;
    private final Pairing pairing;
    private final Signatures signatures;

    public Crypto(Clock clock, SecureRandom random) {
        this.clock = clock;
        this.random = random;
        this.api = new BcOpenPGPApi();
        this.messages = new Messages(api);
        this.autocrypt = new Autocrypt(this);
        this.setupMessages = new SetupMessages(this);
        this.rewrap = new Rewrap(this);
        this.pairing = new Pairing(this);
        this.signatures = new Signatures(api);
    }

    /** System clock and a fresh strong RNG. */
    public static Crypto standard() {
        return new Crypto(Clock.systemUTC(), new SecureRandom());
    }

    /** Autocrypt Level 1 operations bound to this instance. */
    public Autocrypt autocrypt() {
        return autocrypt;
    }

    /** Autocrypt Setup Message create/import bound to this instance. */
    public SetupMessages setupMessages() {
        return setupMessages;
    }

    /** Pairing secrets (QR and short-code J-PAKE) bound to this instance. */
    public Pairing pairing() {
        return pairing;
    }

    Clock clock() { return clock; }

    /** The key selections this instance keeps (tests). */
    KeySelection keySelection() { return messages.selection(); }
    SecureRandom random() { return random; }
    OpenPGPApi api() { return api; }

    /**
     * A new Autocrypt-shaped key (v4, Ed25519 certify+sign primary, X25519 encryption subkey,
     * SHA-2 hash preferences, SEIPD v1 only) without expiry.
     *
     * @param userId usually {@code <addr>} (Autocrypt) or a device label
     */
    public OpenPGPKey generateKey(String userId) throws CryptoException {
        return generateKey(userId, 0);
    }

    /** As {@link #generateKey(String)}, expiring {@code expirySeconds} after creation (0 = never). */
    public OpenPGPKey generateKey(String userId, long expirySeconds) throws CryptoException {
        try {
            // whole seconds: OpenPGP timestamps have no millis, and BC compares dates
            Date now = new Date((clock.millis() / 1000) * 1000);
            return Keys.generate(api, userId, now, expirySeconds);
        } catch (PGPException | RuntimeException e) {
            throw new CryptoException.Unsupported("key generation failed: " + e.getMessage());
        }
    }

    /** Parses one secret key (armored or binary). */
    public OpenPGPKey readKey(byte[] data) throws CryptoException {
        capKey(data);
        try {
            return api.readKeyOrCertificate().parseKey(data);
        } catch (IOException | RuntimeException e) {
            throw new CryptoException.Malformed("not an OpenPGP secret key: " + e.getMessage(), e);
        }
    }

    /** Parses one certificate (armored or binary); a secret key yields its public part. */
    public OpenPGPCertificate readCertificate(byte[] data) throws CryptoException {
        capKey(data);
        try {
            OpenPGPCertificate c = api.readKeyOrCertificate().parseCertificateOrKey(data);
            return c instanceof OpenPGPKey k ? k.toCertificate() : c;
        } catch (IOException | RuntimeException e) {
            throw new CryptoException.Malformed("not an OpenPGP certificate: " + e.getMessage(), e);
        }
    }

    private static void capKey(byte[] data) throws CryptoException.Malformed {
        if (data == null || data.length == 0) throw new CryptoException.Malformed("empty key data");
        if (data.length > MAX_KEY_BYTES) throw new CryptoException.Malformed("key data over " + MAX_KEY_BYTES + " bytes");
    }

    /** 40 upper-case hex digits of the primary key's v4 fingerprint. */
    public static String fingerprint(OpenPGPCertificate cert) {
        return Keys.fingerprint(cert);
    }

    /** ASCII armor of a key or certificate. */
    public static String armor(OpenPGPCertificate keyOrCert) throws CryptoException {
        try {
            return keyOrCert.toAsciiArmoredString();
        } catch (IOException e) {
            throw new CryptoException.Malformed("cannot armor", e);
        }
    }

    /**
     * Signs with every signer and encrypts to every recipient (SEIPD v1 unless all recipients
     * advertise v2). Signers and recipients may each be empty, not both.
     */
    public byte[] encryptAndSign(byte[] plaintext, List<OpenPGPCertificate> recipients, List<OpenPGPKey> signers,
                                 boolean armor) throws CryptoException {
        return KeyLocks.with(() -> messages.encrypt(plaintext, recipients, signers, List.of(), armor), recipients, signers);
    }

    /** Symmetric (password) encryption, optionally also to certificates and signed. */
    public byte[] encryptWithPasswords(byte[] plaintext, List<char[]> passwords, List<OpenPGPCertificate> recipients,
                                       List<OpenPGPKey> signers, boolean armor) throws CryptoException {
        return KeyLocks.with(() -> messages.encrypt(plaintext, recipients, signers, passwords, armor), recipients, signers);
    }

    /**
     * Decrypts with whichever of {@code keys} the message is addressed to (hidden recipients
     * included: every key is tried) and verifies signatures against {@code verifiers}.
     * Verification outcome is reported, not enforced; see {@link #requireSigned}.
     */
    public Decrypted decryptAndVerify(byte[] message, List<OpenPGPKey> keys, List<OpenPGPCertificate> verifiers)
            throws CryptoException {
        return KeyLocks.with(() -> messages.decrypt(message, keys, verifiers, List.of(), null), keys, verifiers);
    }

    /** Full-option decrypt: keys, passwords and/or a known session key. */
    public Decrypted decrypt(byte[] message, List<OpenPGPKey> keys, List<OpenPGPCertificate> verifiers,
                             List<char[]> passwords, PGPSessionKey sessionKey) throws CryptoException {
        return KeyLocks.with(() -> messages.decrypt(message, keys, verifiers, passwords, sessionKey), keys, verifiers);
    }

    /**
     * Session-key re-wrap (for the remailer): the same message for {@code newRecipients}, made by
     * recovering the session key with one of {@code keys} and writing new session-key packets in
     * front of the unchanged, never decrypted, SEIPD v1 or v2 payload.
     */
    public byte[] rewrap(byte[] message, List<OpenPGPKey> keys, List<OpenPGPCertificate> newRecipients, boolean armor)
            throws CryptoException {
        return KeyLocks.with(() -> rewrap.rewrap(message, keys, newRecipients, armor), keys, newRecipients);
    }

    /** Detached signature over {@code data} by every signer. */
    public byte[] signDetached(byte[] data, List<OpenPGPKey> signers, boolean armor) throws CryptoException {
        return KeyLocks.with(() -> signatures.sign(data, signers, armor), signers);
    }

    /** The signatures in {@code signatures} that verify over {@code data} against {@code certs} (may be empty). */
    public List<Verification> verifyDetached(byte[] data, byte[] signatures, List<OpenPGPCertificate> certs)
            throws CryptoException {
        return KeyLocks.with(() -> this.signatures.verify(data, signatures, certs), certs);
    }

    /**
     * Of {@code certs}, those the encrypted {@code message} (armored or binary) was not encrypted to:
     * no public-key session-key packet names a key of theirs. Reads only the packets in front of the
     * encrypted data; a message with an anonymous (wildcard) recipient names everyone, so none is
     * returned. {@link CryptoException.Malformed} when it is not an encrypted OpenPGP message.
     */
    public static List<OpenPGPCertificate> notEncryptedTo(byte[] message, List<OpenPGPCertificate> certs) throws CryptoException {
        return Recipients.notNamed(message, certs);
    }

    /** Throws {@link CryptoException.BadSignature} unless {@code signer} is among the verified signers. */
    public static Decrypted requireSigned(Decrypted d, OpenPGPCertificate signer) throws CryptoException {
        if (!d.verifiedSigners().contains(fingerprint(signer))) {
            throw new CryptoException.BadSignature("no valid signature by " + fingerprint(signer));
        }
        return d;
    }
}
