package dev.kinbox.journal.mail;

import java.util.EnumSet;
import java.util.Set;

/**
 * A message to append: its raw RFC 5322 bytes (CRLF line ends) and initial flags.
 * The bytes are copied; the array passed in may be reused afterwards.
 */
public record NewMessage(byte[] raw, Set<Flag> flags) {
    public NewMessage {
        if (raw == null || raw.length == 0) throw new MailStoreException.InvalidRequest("message is empty");
        raw = raw.clone();
        flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
        if (flags.contains(Flag.DELETED)) throw new MailStoreException.InvalidRequest("cannot append a \\Deleted message");
    }

    /** A message with the given flags. */
    public static NewMessage of(byte[] raw, Flag... flags) {
        return new NewMessage(raw, flags.length == 0 ? Set.of() : EnumSet.of(flags[0], flags));
    }

    @Override public byte[] raw() { return raw.clone(); }

    /** Size in bytes without copying. */
    public int size() { return raw.length; }

    byte[] rawUnsafe() { return raw; }

    /** The Message-ID header value (with angle brackets), if the header section has one. */
    public java.util.Optional<String> messageId() {
        return Headers.values(Headers.headerSection(raw), "Message-ID").stream().findFirst();
    }
}
