package dev.kinbox.actors.mail;

import dev.kinbox.persistence.AccountEvent;
import java.util.List;
import java.util.Optional;

/**
 * What {@link MailAutocrypt#onIncoming} found in one received mail.
 *
 * @param events        the events to persist, already stamped, in order; empty when the mail
 *                      changes nothing (events that would not change the state are never made)
 * @param sender        the canonical From address
 * @param decryptedWith fingerprint of the account key that opened an encrypted mail, if any did
 * @param notes         why parts of the mail were ignored (invalid or duplicate Autocrypt headers,
 *                      gossip for non-recipients, a blocked sender, not encrypted to us, ...);
 *                      for logs and diagnostics, never holds key material
 */
public record IncomingResult(List<AccountEvent> events, String sender, Optional<String> decryptedWith,
                             List<String> notes) {
    public IncomingResult {
        events = List.copyOf(events);
        notes = List.copyOf(notes);
    }
}
