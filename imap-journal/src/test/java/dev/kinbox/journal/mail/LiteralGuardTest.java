package dev.kinbox.journal.mail;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LiteralGuardTest {
    private static byte[] readAll(String s, long max) throws IOException {
        try (InputStream in = new LiteralGuard(new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1)), max)) {
            return in.readAllBytes();
        }
    }

    @Test
    void literalWithinLimit_passesUnchanged_andItsContentIsNotParsed() throws IOException {
        // The 20-byte literal itself contains something that looks like a huge announcement.
        String s = "* 1 FETCH (BODY[] {20}\r\nx {999999999}\r\nabcdef)\r\nA1 OK done\r\n";
        assertArrayEquals(s.getBytes(StandardCharsets.ISO_8859_1), readAll(s, 100));
    }

    @Test
    void oversizedLiteral_failsBeforeTheContent() {
        assertThrows(LiteralGuard.LiteralTooLarge.class, () -> readAll("* 1 FETCH (BODY[] {2000000000}\r\n", 1000));
        assertThrows(LiteralGuard.LiteralTooLarge.class, () -> readAll("* 1 FETCH (BODY[] {1001+}\r\n", 1000));
        assertThrows(LiteralGuard.LiteralTooLarge.class, () -> readAll("* X {99999999999999999999999}\r\n", 1000));
    }

    @Test
    void braceNotAtLineEnd_isNotALiteral() throws IOException {
        String s = "* OK \"{999999999}\" quoted\r\n* OK {12345678 no close\r\n";
        assertArrayEquals(s.getBytes(StandardCharsets.ISO_8859_1), readAll(s, 10));
    }
}
