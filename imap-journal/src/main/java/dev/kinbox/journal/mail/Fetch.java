package dev.kinbox.journal.mail;

/** How much of each message {@link MailStore#fetch} returns (flags and size always). */
public enum Fetch {
    /** The header section only. */
    HEADERS,
    /** The whole message. */
    FULL
}
