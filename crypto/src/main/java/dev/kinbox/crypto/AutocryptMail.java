package dev.kinbox.crypto;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What Autocrypt processing found in one mail.
 *
 * @param from          canonical From address (null when From is missing or not a single address)
 * @param effectiveDate the Date header, or the receipt time when Date is missing or in the future
 * @param header        the sender's header, present only when exactly one valid one was found
 * @param recipients    canonical To and Cc addresses (gossip is accepted only for these)
 * @param errors        why headers were rejected or ignored (empty when all was fine)
 */
public record AutocryptMail(String from, Instant effectiveDate, Optional<AutocryptHeader> header,
                            List<String> recipients, List<String> errors) {
    public AutocryptMail {
        recipients = List.copyOf(recipients);
        errors = List.copyOf(errors);
    }
}
