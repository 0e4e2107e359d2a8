package dev.kinbox.actors.mail;

/**
 * What the user (or the client's defaults) asks of one outgoing mail.
 *
 * @param choice           whether to follow the recommendation or override it
 * @param replyToEncrypted the draft replies to an encrypted mail (Level 1: recommend encrypt)
 */
public record OutgoingPolicy(Choice choice, boolean replyToEncrypted) {
    /** Follow the recommendation, not a reply to encrypted mail. */
    public static final OutgoingPolicy AUTOMATIC = new OutgoingPolicy(Choice.AUTOMATIC, false);

    public OutgoingPolicy {
        if (choice == null) throw new IllegalArgumentException("choice missing");
    }

    /** The user's choice for this mail. */
    public enum Choice {
        /** Encrypt exactly when the combined recommendation is {@code ENCRYPT} or a list requires it. */
        AUTOMATIC,
        /** The user asked for encryption: encrypt, or refuse when some recipient has no usable key. */
        ENCRYPT,
        /** The user asked for a plain mail: never encrypt (the Autocrypt header is still added). */
        PLAIN
    }
}
