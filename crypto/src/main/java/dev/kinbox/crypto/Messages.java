package dev.kinbox.crypto;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.bcpg.AEADAlgorithmTags;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPSessionKey;
import org.bouncycastle.openpgp.api.EncryptedDataPacketType;
import org.bouncycastle.openpgp.api.MessageEncryptionMechanism;
import org.bouncycastle.openpgp.api.OpenPGPApi;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPEncryptionNegotiator;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.bouncycastle.openpgp.api.OpenPGPMessageGenerator;
import org.bouncycastle.openpgp.api.OpenPGPMessageInputStream;
import org.bouncycastle.openpgp.api.OpenPGPMessageProcessor;
import org.bouncycastle.openpgp.api.OpenPGPSignature;

/** Encrypt+sign and decrypt+verify over the high-level Bouncy Castle API. */
final class Messages {
    /** Largest message we decrypt in memory; bigger input is refused before parsing. */
    static final int MAX_MESSAGE = 64 << 20;

    private final OpenPGPApi api;
    private final KeySelection selection = new KeySelection();

    Messages(OpenPGPApi api) {
        this.api = api;
    }

    /** The kept key selections of this instance's certificates (see {@link KeySelection}). */
    KeySelection selection() {
        return selection;
    }

    /** SEIPD v1 unless every recipient advertises v2 (interop override 2). */
    static OpenPGPEncryptionNegotiator negotiator(List<OpenPGPCertificate> recipients) {
        boolean v2 = !recipients.isEmpty() && recipients.stream().allMatch(Keys::advertisesSeipdV2);
        MessageEncryptionMechanism m = v2
                ? MessageEncryptionMechanism.aead(SymmetricKeyAlgorithmTags.AES_256, AEADAlgorithmTags.OCB)
                : MessageEncryptionMechanism.integrityProtected(SymmetricKeyAlgorithmTags.AES_256);
        return new OpenPGPEncryptionNegotiator() {
            @Override
            public MessageEncryptionMechanism negotiateEncryption(OpenPGPMessageGenerator g) {
                return m;
            }
        };
    }

    byte[] encrypt(byte[] plaintext, List<OpenPGPCertificate> recipients, List<OpenPGPKey> signers,
                   List<char[]> passwords, boolean armor) throws CryptoException {
        if (recipients.isEmpty() && passwords.isEmpty() && signers.isEmpty()) {
            throw new CryptoException.NoMatchingKey("no recipients, passwords or signers");
        }
        try {
            OpenPGPMessageGenerator g = api.signAndOrEncryptMessage().setArmored(armor).setAllowPadding(false);
            g.setEncryptionKeySelector(selection.encryptionKeys());
            g.setSigningKeySelector(selection.signingKeys());
            g.setPublicKeyBasedEncryptionNegotiator(negotiator(recipients));
            g.setPasswordBasedEncryptionNegotiator(negotiator(recipients));
            g.setCompressionNegotiator((gen, pol) -> org.bouncycastle.bcpg.CompressionAlgorithmTags.UNCOMPRESSED);
            for (OpenPGPCertificate c : recipients) {
                try {
                    g.addEncryptionCertificate(c);
                } catch (RuntimeException | PGPException e) {
                    throw new CryptoException.NoMatchingKey("certificate " + Keys.fingerprint(c)
                            + " has no usable encryption key", e);
                }
            }
            for (char[] pw : passwords) g.addEncryptionPassphrase(pw);
            for (OpenPGPKey k : signers) {
                try {
                    g.addSigningKey(k, Keys.callback(p -> p.setSignatureHashAlgorithm(HashAlgorithmTags.SHA512)));
                } catch (RuntimeException | PGPException e) {
                    throw new CryptoException.NoMatchingKey("key " + Keys.fingerprint(k) + " cannot sign", e);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(plaintext.length + 1024);
            try (var os = g.open(out)) {
                os.write(plaintext);
            }
            return out.toByteArray();
        } catch (PGPException | IOException | RuntimeException e) {
            throw new CryptoException.Unsupported("encryption failed: " + e.getMessage());
        }
    }

    Decrypted decrypt(byte[] message, List<OpenPGPKey> keys, List<OpenPGPCertificate> verifiers,
                      List<char[]> passwords, PGPSessionKey sessionKey) throws CryptoException {
        if (message.length > MAX_MESSAGE) throw new CryptoException.Malformed("message over " + MAX_MESSAGE + " bytes");
        if (message.length == 0) throw new CryptoException.Malformed("empty input is not an OpenPGP message");
        OpenPGPMessageProcessor p = api.decryptAndOrVerifyMessage();
        for (OpenPGPKey k : keys) p.addDecryptionKey(k);
        for (OpenPGPCertificate c : verifiers) p.addVerificationCertificate(c);
        for (char[] pw : passwords) p.addMessagePassphrase(pw);
        if (sessionKey != null) p.setSessionKey(sessionKey);
        OpenPGPMessageInputStream in;
        byte[] plain;
        try {
            in = p.process(new ByteArrayInputStream(message));
            plain = readCapped(in);
            in.close();
        } catch (PGPException e) {
            throw wrongPassword(message, keys, passwords, classify(e, !passwords.isEmpty()));
        } catch (IOException | RuntimeException | StackOverflowError e) {
            Throwable c = e.getCause();
            if (c instanceof PGPException pe) throw wrongPassword(message, keys, passwords, classify(pe, !passwords.isEmpty()));
            throw wrongPassword(message, keys, passwords, new CryptoException.Malformed("not a readable OpenPGP message: " + e.getMessage(), e));
        }
        OpenPGPMessageInputStream.Result r = in.getResult();
        List<String> ok = new ArrayList<>();
        List<Verification> details = new ArrayList<>();
        int bad = 0;
        for (OpenPGPSignature.OpenPGPDocumentSignature s : r.getSignatures()) {
            boolean valid;
            try {
                valid = s.isValid();
            } catch (Exception e) {
                valid = false;
            }
            if (valid && s.getIssuerCertificate() != null) {
                String fp = Keys.fingerprint(s.getIssuerCertificate());
                if (!ok.contains(fp)) ok.add(fp);
                details.add(new Verification(s.getCreationTime().toInstant(),
                        Keys.fingerprint(s.getIssuer().getPGPPublicKey()), fp));
            } else {
                bad++;
            }
        }
        String with = r.getDecryptionKey() == null ? null : Keys.fingerprint(r.getDecryptionKey().getCertificate());
        MessageEncryptionMechanism m = r.getEncryptionMethod();
        int v = m != null && m.getMode() == EncryptedDataPacketType.SEIPDv2 ? 2 : 1;
        if (m == null || !m.isEncrypted()) v = 0;
        String sk = null;
        if (v > 0 && r.getSessionKey() != null) {
            sk = r.getSessionKey().getAlgorithm() + ":" + Hex.upper(r.getSessionKey().getKey());
        }
        return new Decrypted(plain, with, ok, bad, v, details, sk);
    }

    /**
     * A wrong password does not always fail cleanly: the password-encrypted session key has no check of
     * its own, so about one time in twenty a wrong one yields a plausible algorithm and key, and the
     * failure surfaces later as garbage ("malformed integrity protected data", "invalid header", ...).
     * When only passwords were given and the message is a well-formed password-encrypted message, any
     * failure to read it is "cannot decrypt", never "malformed".
     */
    private static CryptoException wrongPassword(byte[] message, List<OpenPGPKey> keys, List<char[]> passwords, CryptoException e) {
        if (!(e instanceof CryptoException.Malformed) || passwords.isEmpty() || !keys.isEmpty() || !passwordEncrypted(message)) return e;
        return new CryptoException.NoMatchingKey("cannot decrypt: wrong password", e);
    }

    // The outer layer parses as an encrypted message with at least one password-encrypted session key packet.
    private static boolean passwordEncrypted(byte[] message) {
        try (InputStream in = org.bouncycastle.openpgp.PGPUtil.getDecoderStream(new ByteArrayInputStream(message))) {
            var factory = new org.bouncycastle.openpgp.bc.BcPGPObjectFactory(in);
            for (int i = 0; i < 16; i++) {
                Object o = factory.nextObject();
                if (o == null) return false;
                if (o instanceof org.bouncycastle.openpgp.PGPMarker) continue;
                if (!(o instanceof org.bouncycastle.openpgp.PGPEncryptedDataList list)) return false;
                for (Object d : list) if (d instanceof org.bouncycastle.openpgp.PGPPBEEncryptedData) return true;
                return false;
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static CryptoException classify(PGPException e, boolean passwords) {
        String msg = String.valueOf(e.getMessage());
        String low = msg.toLowerCase(java.util.Locale.ROOT);
        if (low.contains("passphrase") || low.contains("password") || (passwords && low.contains("checksum"))) {
            return new CryptoException.WrongSecret("wrong password", e);
        }
        if (low.contains("no suitable") || low.contains("decryption key") || low.contains("decrypt")
                || low.contains("session key")) {
            return new CryptoException.NoMatchingKey("cannot decrypt: " + msg, e);
        }
        return new CryptoException.Malformed("bad OpenPGP message: " + msg, e);
    }

    static byte[] readCapped(InputStream in) throws IOException, CryptoException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
            if (out.size() + n > MAX_MESSAGE) throw new CryptoException.Malformed("plaintext over " + MAX_MESSAGE + " bytes");
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
