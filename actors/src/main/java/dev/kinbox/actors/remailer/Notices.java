package dev.kinbox.actors.remailer;

import java.time.Instant;
import java.util.List;

/** The wording of the list's own mail: refusal replies, command confirmations, missed-message notices. */
final class Notices {
    private Notices() {}

    static String refusal(PostOutcome.Reason reason, ListSettings s, String detail) {
        String why = switch (reason) {
            case PLAINTEXT_REFUSED -> "This list only accepts encrypted posts (its recommendation is \"mandatory\").\n"
                    + "Encrypt your message to the list's own key (PGP/MIME): your Autocrypt-capable mail client\n"
                    + "learns it from the Autocrypt header of this reply, addr=" + s.listAddress() + ".";
            case NOT_SUBSCRIBED -> "Only subscribers may post. To subscribe, send a mail with the subject\n"
                    + "\"subscribe\" to " + s.listAddress() + ".";
            case OVERSIZED -> "Your message is larger than the list's limit of " + s.maxPostBytes() + " bytes.";
            case MALFORMED -> "Your message could not be read: " + detail;
            case NOT_ENCRYPTED_TO_LIST -> "Your message is encrypted, but not to the list's key; the list cannot\n"
                    + "forward it. Encrypt to the key in the Autocrypt header of this reply (addr=" + s.listAddress() + ").";
            case LOOP, FLOOD -> "Your message was not distributed: " + detail;
        };
        return "Your message to " + s.listAddress() + " was not distributed.\n\n" + why + "\n";
    }

    static String subscribed(ListSettings s, boolean already, boolean hasKey) {
        return (already ? "You are already subscribed to " : "You are now subscribed to ") + s.listAddress() + ".\n\n"
                + (hasKey ? "The list has your Autocrypt key: encrypted posts will reach you encrypted.\n"
                        : "The list has no Autocrypt key for you yet: encrypted posts reach you only as a notice\n"
                        + "until you write to the list from an Autocrypt-capable mail client.\n")
                + "To leave, send a mail with the subject \"unsubscribe\" to " + s.listAddress() + ".\n";
    }

    static String unsubscribed(ListSettings s, boolean was) {
        return was ? "You are no longer subscribed to " + s.listAddress() + ".\n"
                : "You were not subscribed to " + s.listAddress() + "; nothing changed.\n";
    }

    static String missed(ListSettings s, String from, String subject, String messageId) {
        return "A message was posted to " + s.listAddress() + " that you could not receive.\n\n"
                + "  From:       " + from + "\n  Subject:    " + subject + "\n  Message-ID: " + messageId + "\n\n"
                + keyHelp(s);
    }

    static String digest(ListSettings s, List<RosterEvent.MissedMessageQueued> items, Instant now) {
        StringBuilder sb = new StringBuilder(items.size() + " message(s) were posted to " + s.listAddress()
                + " that you could not receive:\n\n");
        for (RosterEvent.MissedMessageQueued q : items) {
            sb.append("  ").append(q.at()).append("  from ").append(q.from()).append("  ").append(q.messageId()).append('\n');
        }
        return sb.append('\n').append(keyHelp(s)).toString();
    }

    private static String keyHelp(ListSettings s) {
        return "The list delivers encrypted posts only to subscribers whose Autocrypt key it knows, and it\n"
                + "never decrypts them, so it cannot send you the content. Write any mail to " + s.listAddress() + "\n"
                + "from an Autocrypt-capable mail client (for example the subject \"subscribe\"), and future\n"
                + "encrypted posts will reach you.\n";
    }
}
