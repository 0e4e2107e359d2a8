package dev.kinbox.journal.mail;

/**
 * An inclusive range of UIDs, {@code first:last}; {@link #from(long)} ends at the newest message ({@code *}).
 */
public record UidRange(long first, long last) {
    /** Marker for "up to the newest message". */
    public static final long NEWEST = Long.MAX_VALUE;
    private static final long MAX_UID = 0xFFFF_FFFFL;

    public UidRange {
        if (first < 1 || first > MAX_UID) throw new MailStoreException.InvalidRequest("UID out of range: " + first);
        if (last != NEWEST && (last < first || last > MAX_UID)) {
            throw new MailStoreException.InvalidRequest("bad UID range " + first + ":" + last);
        }
    }

    /** All messages. */
    public static UidRange all() { return new UidRange(1, NEWEST); }

    /** From {@code first} to the newest message. */
    public static UidRange from(long first) { return new UidRange(first, NEWEST); }

    /** Exactly one UID. */
    public static UidRange of(long uid) { return new UidRange(uid, uid); }

    public boolean contains(long uid) { return uid >= first && uid <= last; }

    /** IMAP syntax: {@code 5:*} or {@code 5:9}. */
    String imap() { return first + ":" + (last == NEWEST ? "*" : Long.toString(last)); }
}
