package dev.kinbox.journal.mail;

import java.util.List;
import java.util.Set;

/**
 * A fetched message.
 *
 * @param uid     its UID in the folder
 * @param flags   its system flags
 * @param size    RFC822.SIZE as the server reports it
 * @param headers the raw header section including the blank line that ends it
 * @param body    the raw body after the header section; empty when only headers were fetched
 */
public record StoredMessage(long uid, Set<Flag> flags, long size, byte[] headers, byte[] body) {
    public StoredMessage {
        flags = Set.copyOf(flags);
        headers = headers.clone();
        body = body.clone();
    }

    @Override public byte[] headers() { return headers.clone(); }
    @Override public byte[] body() { return body.clone(); }

    /** Header plus body: the whole message when it was fetched with {@link Fetch#FULL}. */
    public byte[] raw() {
        byte[] out = new byte[headers.length + body.length];
        System.arraycopy(headers, 0, out, 0, headers.length);
        System.arraycopy(body, 0, out, headers.length, body.length);
        return out;
    }

    /**
     * True when the server answered with nothing but line ends: Dovecot does so for a message another
     * session expunged while this one fetched it (it may not announce the expunge mid-command). There
     * is nothing to read and nothing forged: readers pass over it, refuse nothing and count nothing.
     */
    public boolean vanished() {
        for (byte b : headers) if (b != '\r' && b != '\n') return false;
        for (byte b : body) if (b != '\r' && b != '\n') return false;
        return true;
    }

    /** The unfolded values of a header field, in order (case-insensitive name). */
    public List<String> header(String name) {
        return Headers.values(headers, name);
    }

    @Override public boolean equals(Object o) {
        return o instanceof StoredMessage m && m.uid == uid && m.flags.equals(flags) && m.size == size
                && java.util.Arrays.equals(m.headers, headers) && java.util.Arrays.equals(m.body, body);
    }

    @Override public int hashCode() { return Long.hashCode(uid) * 31 + java.util.Arrays.hashCode(headers); }

    @Override public String toString() {
        return "StoredMessage[uid=" + uid + ", flags=" + flags + ", size=" + size + "]";
    }
}
