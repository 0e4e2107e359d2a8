package dev.kinbox.actors.mail;

import dev.kinbox.crypto.Recommendation;
import jakarta.mail.internet.MimeMessage;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link MailAutocrypt#prepareOutgoing} decided for one draft.
 *
 * @param recommendation the combined Level 1 recommendation for all recipients (lists, blocks and
 *                       verifications taken into account)
 * @param perRecipient   canonical recipient (To, Cc, Bcc; not ourselves) -> its recommendation,
 *                       in header order
 * @param encrypted      whether {@link #message} is encrypted
 * @param reason         the decision in words, for the compose window ("encrypted: ...", "not
 *                       encrypted: ...") with one clause per recipient that mattered
 * @param message        the mail to send: a new message (the draft is not changed apart from
 *                       Jakarta Mail's {@code saveChanges}) carrying our {@code Autocrypt} header,
 *                       and when encrypted a signed RFC 3156 {@code multipart/encrypted} body; it
 *                       keeps the draft's Message-ID, also through later {@code saveChanges}
 * @param gossiped       recipients an {@code Autocrypt-Gossip} header was added for (empty unless
 *                       encrypted to two or more To/Cc recipients)
 */
public record OutgoingDecision(Recommendation recommendation, Map<String, Recommendation> perRecipient,
                               boolean encrypted, String reason, MimeMessage message, java.util.List<String> gossiped) {
    public OutgoingDecision {
        perRecipient = Collections.unmodifiableMap(new LinkedHashMap<>(perRecipient));
        gossiped = java.util.List.copyOf(gossiped);
    }
}
