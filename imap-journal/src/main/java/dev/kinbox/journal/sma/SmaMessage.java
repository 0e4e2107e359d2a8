package dev.kinbox.journal.sma;

import dev.kinbox.journal.mail.Flag;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.mail.StoredMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;

/**
 * The raw RFC 5322 form every SMA message shares (docs/PROTOCOL.md, "Message kinds and bodies"):
 * fixed headers, the {@code Autocrypt-SMA} header, its deterministic Message-ID, a base64
 * {@code application/octet-stream} body and the {@code \Seen} flag. Used by the journal for its
 * entries and by the MUAA for announcements and pairing drops, so both write the same bytes.
 */
public final class SmaMessage {
    private static final String ADDRESS = "Kinbox SMA <sma@kinbox.invalid>";
    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private SmaMessage() {}

    /** Builds a {@code \Seen} message with the given header and body. */
    public static NewMessage build(SmaHeader header, byte[] body, Clock clock) {
        StringBuilder h = new StringBuilder(256)
                .append("Date: ").append(DATE.format(clock.instant())).append("\r\n")
                .append("From: ").append(ADDRESS).append("\r\n")
                .append("To: ").append(ADDRESS).append("\r\n")
                .append("Subject: Kinbox SMA ").append(header.kind().name().toLowerCase(java.util.Locale.ROOT)).append("\r\n")
                .append("Message-ID: ").append(header.messageId()).append("\r\n")
                .append(SmaHeader.NAME).append(": ").append(header.format()).append("\r\n")
                .append("MIME-Version: 1.0\r\n")
                .append("Content-Type: application/octet-stream\r\n")
                .append("Content-Transfer-Encoding: base64\r\n\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(h.length() + body.length * 4 / 3 + body.length / 38 + 8);
        out.writeBytes(h.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encode(body));
        out.writeBytes(new byte[] {'\r', '\n'});
        return NewMessage.of(out.toByteArray(), Flag.SEEN);
    }

    /** The SMA header of a fetched message (headers only are enough): exactly one, well formed. */
    public static SmaHeader header(StoredMessage m) throws SmaFormatException {
        List<String> values = m.header(SmaHeader.NAME);
        if (values.size() != 1) throw new SmaFormatException("message uid " + m.uid() + " has " + values.size() + " " + SmaHeader.NAME + " headers");
        return SmaHeader.parse(values.get(0));
    }

    /** The base64-decoded body of a fully fetched message, refused past {@code maxBody} decoded bytes. */
    public static byte[] body(StoredMessage m, int maxBody) throws SmaFormatException {
        byte[] raw = m.body();
        if (raw.length > (long) maxBody * 4 / 3 + maxBody / 19 + 16) throw new SmaFormatException("message uid " + m.uid() + " body too large");
        try {
            return Base64.getMimeDecoder().decode(raw);
        } catch (IllegalArgumentException e) {
            throw new SmaFormatException("message uid " + m.uid() + " body is not base64");
        }
    }
}
