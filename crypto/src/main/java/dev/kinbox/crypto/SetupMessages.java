package dev.kinbox.crypto;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.bouncycastle.openpgp.operator.bc.BcPBEKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;

/**
 * Autocrypt Setup Message create/import: numeric9x4 Setup Code from the injected RNG,
 * AES-128 SEIPD v1 under a salted+iterated SHA-256 S2K, the armored key inside an
 * {@code application/autocrypt-setup} HTML attachment.
 */
public final class SetupMessages {
    static final int MAX_NESTING = 8;
    private static final int S2K_COUNT = 0xC0; // 65 536 * 16 bytes hashed

    private final Crypto crypto;

    SetupMessages(Crypto crypto) {
        this.crypto = crypto;
    }

    /** A new Setup Message carrying {@code key} for {@code addr}. */
    public SetupMessage create(String addr, OpenPGPKey key, boolean mutual) throws CryptoException {
        String code = newCode();
        String payload = armoredKey(key, mutual);
        String encrypted = encrypt(payload.getBytes(StandardCharsets.UTF_8), code, code.substring(0, 2));
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(crypto.clock().instant().atOffset(ZoneOffset.UTC));
        String boundary = "kinbox-setup-" + Long.toHexString(crypto.random().nextLong());
        String a = HeaderGrammar.canonical(addr);
        String mail = "From: " + a + "\r\nTo: " + a + "\r\nDate: " + date + "\r\nSubject: Autocrypt Setup Message\r\n"
                + "Autocrypt-Setup-Message: v1\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n"
                + "--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                + "This message contains your Autocrypt secret key, encrypted with a Setup Code\r\n"
                + "shown on the device that created it. Keep it as a backup if you like.\r\n"
                + "--" + boundary + "\r\nContent-Type: application/autocrypt-setup\r\n"
                + "Content-Disposition: attachment; filename=\"autocrypt-setup-message.html\"\r\n\r\n"
                + "<html><body>\r\n<p>This is the Autocrypt setup file used to transfer your secret key.</p>\r\n<pre>\r\n"
                + encrypted.replace("\r\n", "\n").replace("\n", "\r\n") + "</pre></body></html>\r\n"
                + "--" + boundary + "--\r\n";
        return new SetupMessage(mail.getBytes(StandardCharsets.US_ASCII), code);
    }

    /** Decrypts a Setup Message (flat or nested multipart) with its code. */
    public SetupMessage.Imported importMessage(byte[] mail, String code) throws CryptoException {
        String d = digits(code);
        if (d.length() != 36) throw new CryptoException.WrongSecret("a Setup Code has 36 digits");
        MimeMessage m = MailParsing.parse(mail);
        if (MailParsing.headers(m, "Autocrypt-Setup-Message").stream().noneMatch(v -> v.trim().equals("v1"))) {
            throw new CryptoException.Malformed("no 'Autocrypt-Setup-Message: v1' header");
        }
        String body = findSetupPart(m, 0);
        if (body == null) throw new CryptoException.Malformed("no application/autocrypt-setup part");
        int b = body.indexOf("-----BEGIN PGP MESSAGE-----");
        int e = body.indexOf("-----END PGP MESSAGE-----");
        if (b < 0 || e < b) throw new CryptoException.Malformed("setup part holds no PGP MESSAGE block");
        byte[] armored = body.substring(b, e + 25).getBytes(StandardCharsets.US_ASCII);
        Decrypted out;
        try {
            // the passphrase is the code in its dashed numeric9x4 form
            out = crypto.decrypt(armored, List.of(), List.of(), List.of(dashed(d).toCharArray()), null);
        } catch (CryptoException.Malformed | CryptoException.NoMatchingKey ex) {
            // a wrong passphrase yields garbage that fails integrity or packet parsing
            throw new CryptoException.WrongSecret("wrong Setup Code (or damaged Setup Message)", ex);
        }
        String text = new String(out.plaintext(), StandardCharsets.UTF_8);
        if (!text.contains("-----BEGIN PGP PRIVATE KEY BLOCK-----")) {
            throw new CryptoException.Malformed("setup payload is not an armored secret key");
        }
        OpenPGPKey key = crypto.readKey(out.plaintext());
        boolean mutual = text.lines().takeWhile(l -> !l.isBlank())
                .anyMatch(l -> l.replace(" ", "").equalsIgnoreCase("Autocrypt-Prefer-Encrypt:mutual"));
        return new SetupMessage.Imported(key, text, mutual);
    }

    private static String findSetupPart(Part p, int depth) throws CryptoException {
        if (depth > MAX_NESTING) throw new CryptoException.Malformed("MIME nesting deeper than " + MAX_NESTING);
        try {
            if (p.isMimeType("application/autocrypt-setup")) {
                try (InputStream in = p.getInputStream()) {
                    return new String(Messages.readCapped(in), StandardCharsets.US_ASCII);
                }
            }
            if (p.isMimeType("multipart/*")) {
                Multipart mp = (Multipart) p.getContent();
                for (int i = 0; i < mp.getCount(); i++) {
                    BodyPart bp = mp.getBodyPart(i);
                    String s = findSetupPart(bp, depth + 1);
                    if (s != null) return s;
                }
            }
            return null;
        } catch (MessagingException | IOException | RuntimeException e) {
            throw new CryptoException.Malformed("unreadable setup message structure: " + e.getMessage(), e);
        }
    }

    String newCode() {
        StringBuilder sb = new StringBuilder(44);
        for (int i = 0; i < 36; i++) {
            if (i > 0 && i % 4 == 0) sb.append('-');
            sb.append((char) ('0' + crypto.random().nextInt(10)));
        }
        return sb.toString();
    }

    static String dashed(String digits36) {
        StringBuilder sb = new StringBuilder(44);
        for (int i = 0; i < 36; i += 4) {
            if (i > 0) sb.append('-');
            sb.append(digits36, i, i + 4);
        }
        return sb.toString();
    }

    static String digits(String code) {
        return code == null ? "" : code.replaceAll("[^0-9]", "");
    }

    private static String armoredKey(OpenPGPKey key, boolean mutual) throws CryptoException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ArmoredOutputStream aos = ArmoredOutputStream.builder().clearHeaders().build(bytes);
            aos.setHeader("Autocrypt-Prefer-Encrypt", mutual ? "mutual" : "nopreference");
            key.getPGPSecretKeyRing().encode(aos);
            aos.close();
        } catch (IOException e) {
            throw new CryptoException.Malformed("cannot armor key", e);
        }
        return bytes.toString(StandardCharsets.US_ASCII);
    }

    private String encrypt(byte[] payload, String passphrase, String begin) throws CryptoException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ArmoredOutputStream aos = ArmoredOutputStream.builder().clearHeaders().build(bytes);
            aos.setHeader("Passphrase-Format", "numeric9x4");
            aos.setHeader("Passphrase-Begin", begin);
            PGPEncryptedDataGenerator gen = new PGPEncryptedDataGenerator(
                    new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_128)
                            .setWithIntegrityPacket(true).setSecureRandom(crypto.random()));
            gen.addMethod(new BcPBEKeyEncryptionMethodGenerator(passphrase.toCharArray(),
                    new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA256), S2K_COUNT)
                    .setSecureRandom(crypto.random()));
            try (OutputStream enc = gen.open(aos, new byte[1 << 12]);
                 OutputStream lit = new PGPLiteralDataGenerator().open(enc, PGPLiteralData.BINARY, "",
                         payload.length, new java.util.Date(0))) {
                lit.write(payload);
            }
            aos.close();
        } catch (PGPException | IOException e) {
            throw new CryptoException.Unsupported("setup message encryption failed: " + e.getMessage());
        }
        return bytes.toString(StandardCharsets.US_ASCII);
    }
}
