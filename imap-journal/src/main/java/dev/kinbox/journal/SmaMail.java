package dev.kinbox.journal;

import dev.kinbox.journal.mail.Flag;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.sma.SmaFormatException;
import dev.kinbox.journal.sma.SmaHeader;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;

/**
 * Raw RFC 5322 form of SMA messages the journal writes: fixed headers, the {@code Autocrypt-SMA}
 * header, its deterministic Message-ID and a base64 {@code application/octet-stream} body (the
 * OpenPGP message, binary). Parsing takes a fetched message back to header and body bytes.
 */
final class SmaMail {
    private static final String ADDRESS = "Kinbox SMA <sma@kinbox.invalid>";
    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private SmaMail() {}

    /** A parsed SMA message: its UID, header and decoded body. */
    record Parsed(long uid, SmaHeader header, byte[] body) {}

    /** Builds a {@code \Seen} message with the given header and body. */
    static NewMessage build(SmaHeader header, byte[] body, Clock clock) {
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

    /** The SMA header of a fetched message (headers only are enough). */
    static SmaHeader header(StoredMessage m) {
        List<String> values = m.header(SmaHeader.NAME);
        if (values.size() != 1) throw new JournalException.Malformed("message uid " + m.uid() + " has " + values.size() + " " + SmaHeader.NAME + " headers");
        try {
            return SmaHeader.parse(values.get(0));
        } catch (SmaFormatException e) {
            throw new JournalException.Malformed("message uid " + m.uid() + ": " + e.getMessage(), e);
        }
    }

    /** Header and base64-decoded body of a fully fetched message, body capped at {@code maxBody}. */
    static Parsed parse(StoredMessage m, int maxBody) {
        SmaHeader header = header(m);
        byte[] raw = m.body();
        if (raw.length > (long) maxBody * 4 / 3 + maxBody / 19 + 16) {
            throw new JournalException.Malformed("message uid " + m.uid() + " body too large");
        }
        try {
            return new Parsed(m.uid(), header, Base64.getMimeDecoder().decode(raw));
        } catch (IllegalArgumentException e) {
            throw new JournalException.Malformed("message uid " + m.uid() + " body is not base64", e);
        }
    }

    /** A header attribute as a non-negative number. */
    static long number(SmaHeader h, String name) {
        try {
            long v = Long.parseLong(h.require(name));
            if (v < 0) throw new NumberFormatException();
            return v;
        } catch (SmaFormatException | NumberFormatException e) {
            throw new JournalException.Malformed(h.kind() + " header attribute '" + name + "' missing or not a number");
        }
    }
}
