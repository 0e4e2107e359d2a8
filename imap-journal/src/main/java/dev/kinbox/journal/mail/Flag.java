package dev.kinbox.journal.mail;

/** The IMAP system flags Kinbox uses (keywords are not supported). */
public enum Flag {
    SEEN("\\Seen"), ANSWERED("\\Answered"), FLAGGED("\\Flagged"), DELETED("\\Deleted"), DRAFT("\\Draft");

    private final String imap;

    Flag(String imap) { this.imap = imap; }

    /** The flag as written in IMAP, e.g. {@code \Seen}. */
    public String imap() { return imap; }
}
