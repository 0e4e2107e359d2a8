package dev.kinbox.journal.mail;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/** Test messages: valid RFC 5322 with CRLF line ends and a unique Message-ID. */
final class Msgs {
    private static final AtomicLong SEQ = new AtomicLong();

    private Msgs() {}

    static String newId() {
        return "<t" + SEQ.incrementAndGet() + "." + System.nanoTime() + "@kinbox.test>";
    }

    static byte[] message(String messageId, String body) {
        String m = "From: a@kinbox.test\r\nTo: a@kinbox.test\r\nSubject: test\r\nMessage-ID: " + messageId
                + "\r\nAutocrypt-SMA: v=1; kind=journal; device=0123456789abcdef\r\n\r\n" + body + "\r\n";
        return m.getBytes(StandardCharsets.US_ASCII);
    }

    static NewMessage of(String body, Flag... flags) {
        return NewMessage.of(message(newId(), body), flags);
    }
}
