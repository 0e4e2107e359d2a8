package dev.kinbox.crypto;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SetupMessageTest {
    static final Crypto CRYPTO = TestKeys.CRYPTO;
    static final String SPEC_CODE = "1742-0185-6197-1303-7016-8412-3581-4441-0597";

    @Test
    void specExample_importsWithItsCode_toExactlyTheCleartextKey() throws Exception {
        SetupMessage.Imported imp = CRYPTO.setupMessages().importMessage(Vectors.read("example-setup-message.eml"), SPEC_CODE);
        String expected = new String(Vectors.read("example-setup-message-cleartext.key"), StandardCharsets.UTF_8);
        assertEquals(expected.strip(), imp.armoredKey().strip());
        assertEquals("EB85BB5FA33A75E15E944E63F231550C4F47E38E", Crypto.fingerprint(imp.key()));
        assertTrue(imp.mutual());
    }

    @Test
    void specExample_wrongCode_isWrongSecret() {
        String wrong = SPEC_CODE.substring(0, SPEC_CODE.length() - 1) + "8";
        assertThrows(CryptoException.WrongSecret.class,
                () -> CRYPTO.setupMessages().importMessage(Vectors.read("example-setup-message.eml"), wrong));
        assertThrows(CryptoException.WrongSecret.class,
                () -> CRYPTO.setupMessages().importMessage(Vectors.read("example-setup-message.eml"), "1234"));
    }

    @Test
    void create_thenImport_roundTrips_andCodeIsNumeric9x4() throws Exception {
        SetupMessage sm = CRYPTO.setupMessages().create("alice@kin.example", TestKeys.ALICE, true);
        assertTrue(sm.code().matches("(\\d{4}-){8}\\d{4}"), sm.code());
        String mail = new String(sm.mail(), StandardCharsets.US_ASCII);
        assertTrue(mail.contains("Passphrase-Format: numeric9x4"));
        assertTrue(mail.contains("Passphrase-Begin: " + sm.code().substring(0, 2)));
        assertTrue(mail.contains("Autocrypt-Setup-Message: v1"));
        SetupMessage.Imported imp = CRYPTO.setupMessages().importMessage(sm.mail(), sm.code());
        assertEquals(Crypto.fingerprint(TestKeys.ALICE), Crypto.fingerprint(imp.key()));
        assertTrue(imp.key().isSecretKey());
        assertTrue(imp.mutual());
        assertFalse(sm.toString().contains(sm.code()));
        assertFalse(imp.toString().contains("PRIVATE KEY"), "secrets stay out of logs");
    }

    @Test
    void import_nestedMultipartLayout_isFound() throws Exception {
        String inner = new String(Vectors.read("example-setup-message.eml"), StandardCharsets.US_ASCII);
        String setupPart = inner.substring(inner.indexOf("Content-Type: application/autocrypt-setup"),
                inner.lastIndexOf("--Y6fyGi9SoGeH8WwRaEdC6bbBcYOedDzrQ--"));
        String nested = "From: alice@autocrypt.example\r\nTo: alice@autocrypt.example\r\nAutocrypt-Setup-Message: v1\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"OUT\"\r\n\r\n"
                + "--OUT\r\nContent-Type: multipart/mixed; boundary=\"IN\"\r\n\r\n"
                + "--IN\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
                + "--IN\r\n" + setupPart.replace("\n", "\r\n").replace("\r\r\n", "\r\n") + "\r\n--IN--\r\n--OUT--\r\n";
        SetupMessage.Imported imp = CRYPTO.setupMessages().importMessage(nested.getBytes(StandardCharsets.US_ASCII), SPEC_CODE);
        assertEquals("EB85BB5FA33A75E15E944E63F231550C4F47E38E", Crypto.fingerprint(imp.key()));
    }

    @Test
    void import_withoutSetupHeaderOrPart_isMalformed() {
        assertThrows(CryptoException.Malformed.class, () -> CRYPTO.setupMessages()
                .importMessage("From: a@b\r\n\r\nhi\r\n".getBytes(), SPEC_CODE));
        assertThrows(CryptoException.Malformed.class, () -> CRYPTO.setupMessages()
                .importMessage("From: a@b\r\nAutocrypt-Setup-Message: v1\r\n\r\nhi\r\n".getBytes(), SPEC_CODE));
    }
}
