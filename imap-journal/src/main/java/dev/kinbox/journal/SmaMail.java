package dev.kinbox.journal;

import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.sma.SmaFormatException;
import dev.kinbox.journal.sma.SmaHeader;
import dev.kinbox.journal.sma.SmaMessage;
import java.time.Clock;

/**
 * Raw RFC 5322 form of SMA messages the journal writes: fixed headers, the {@code Autocrypt-SMA}
 * header, its deterministic Message-ID and a base64 {@code application/octet-stream} body (the
 * OpenPGP message, binary). Parsing takes a fetched message back to header and body bytes.
 */
final class SmaMail {
    private SmaMail() {}

    /** A parsed SMA message: its UID, header and decoded body. */
    record Parsed(long uid, SmaHeader header, byte[] body) {}

    /** Builds a {@code \Seen} message with the given header and body. */
    static NewMessage build(SmaHeader header, byte[] body, Clock clock) {
        return SmaMessage.build(header, body, clock);
    }

    /** The SMA header of a fetched message (headers only are enough). */
    static SmaHeader header(StoredMessage m) {
        try {
            return SmaMessage.header(m);
        } catch (SmaFormatException e) {
            throw new JournalException.Malformed(e.getMessage().startsWith("message uid") ? e.getMessage()
                    : "message uid " + m.uid() + ": " + e.getMessage(), e);
        }
    }

    /** Header and base64-decoded body of a fully fetched message, body capped at {@code maxBody}. */
    static Parsed parse(StoredMessage m, int maxBody) {
        SmaHeader header = header(m);
        try {
            return new Parsed(m.uid(), header, SmaMessage.body(m, maxBody));
        } catch (SmaFormatException e) {
            throw new JournalException.Malformed(e.getMessage(), e);
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
