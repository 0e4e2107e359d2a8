package dev.kinbox.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A wrong password is "cannot decrypt", every time: about one wrong password in twenty used to
 * decrypt the session-key packet to a plausible key and then fail on the garbage as "malformed"
 * (which `kinbox sop decrypt` reported as exit 41 instead of 29).
 */
class PasswordDecryptionTest {
    private final Crypto crypto = Crypto.standard();
    private static final byte[] TEXT = "meet at nine".getBytes(StandardCharsets.UTF_8);

    @Test
    void theRightPassword_decrypts() throws Exception {
        byte[] enc = crypto.encryptWithPasswords(TEXT, List.of("correct horse".toCharArray()), List.of(), List.of(), false);
        assertArrayEquals(TEXT, crypto.decrypt(enc, List.of(), List.of(), List.of("correct horse".toCharArray()), null).plaintext());
    }

    @Test
    void aWrongPassword_isCannotDecrypt_inEveryOneOf400Tries() throws Exception {
        for (int i = 0; i < 400; i++) {
            byte[] enc = crypto.encryptWithPasswords(TEXT, List.of("correct horse".toCharArray()), List.of(), List.of(), false);
            int n = i;
            assertThrows(CryptoException.NoMatchingKey.class,
                    () -> crypto.decrypt(enc, List.of(), List.of(), List.of("wrong".toCharArray()), null), () -> "try " + n);
        }
    }

    @Test
    void garbage_withAPassword_isStillMalformed() {
        assertThrows(CryptoException.Malformed.class,
                () -> crypto.decrypt("not OpenPGP at all".getBytes(StandardCharsets.US_ASCII), List.of(), List.of(), List.of("pw".toCharArray()), null));
    }
}
