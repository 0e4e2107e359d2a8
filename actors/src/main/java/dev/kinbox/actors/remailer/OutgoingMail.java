package dev.kinbox.actors.remailer;

/**
 * One message the list sends: the SMTP envelope and the raw RFC 5322 bytes (CRLF).
 *
 * @param kind         what it is
 * @param envelopeFrom SMTP {@code MAIL FROM} (the list address)
 * @param recipient    SMTP {@code RCPT TO}: exactly one address per message
 * @param raw          the message
 */
public record OutgoingMail(Kind kind, String envelopeFrom, String recipient, byte[] raw) {
    /** The kinds of list mail. */
    public enum Kind { DELIVERY, MISSED_NOTICE, REPLY }

    /**
     * Names this copy among a post's copies (kind and recipient, lower case), as journaled in
     * {@link ListEvent.CopiesSent} when a delivery fails part-way.
     */
    public String copyId() {
        return kind + " " + recipient.toLowerCase(java.util.Locale.ROOT);
    }

    @Override public String toString() {
        return "OutgoingMail[" + kind + " to " + recipient + ", " + raw.length + " bytes]";
    }
}
