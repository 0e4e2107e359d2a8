package dev.kinbox.actors.remailer;

import dev.kinbox.actors.remailer.ListMail.BadMail;
import dev.kinbox.crypto.CryptoException;
import jakarta.mail.internet.MimeMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;

/**
 * The encrypted-post path of {@link RemailerPipeline}: one re-wrapped copy per subscriber with a
 * usable key (new session-key packets, the same payload bytes), a missed-message notice or digest
 * entry for everyone else. The session key is recovered per copy inside {@code Crypto.rewrap}; the
 * payload is never decrypted, so the plaintext never exists here.
 */
final class Rewrapping {
    private final RemailerPipeline pipeline;
    private final Roster roster;
    private final MimeMessage post;
    private final byte[] raw;
    private final String from;
    private final Instant now;

    Rewrapping(RemailerPipeline pipeline, Roster roster, MimeMessage post, byte[] raw, String from, Instant now) {
        this.pipeline = pipeline;
        this.roster = roster;
        this.post = post;
        this.raw = raw;
        this.from = from;
        this.now = now;
    }

    PostOutcome deliver(List<RosterEvent> events, byte[] payload) throws BadMail, CryptoException {
        ListSettings s = roster.settings();
        List<Subscriber> readers = new ArrayList<>();
        List<OpenPGPCertificate> certs = new ArrayList<>();
        List<Subscriber> missing = new ArrayList<>();
        for (Subscriber sub : roster.active()) {
            OpenPGPCertificate c = pipeline.usableCert(sub, now);
            if (c == null) {
                missing.add(sub);
            } else {
                readers.add(sub);
                certs.add(c);
            }
        }
        String head = ListMail.keptHeaders(post)
                + ListMail.listHeaders(s, roster.headerActive() ? pipeline.listHeader(roster) : null) + "MIME-Version: 1.0\r\n";
        List<OutgoingMail> deliveries = new ArrayList<>(readers.size());
        for (int i = 0; i < readers.size(); i++) {
            byte[] armored = pipeline.crypto().rewrap(payload, pipeline.listKeys(), List.of(certs.get(i)), true);
            deliveries.add(new OutgoingMail(OutgoingMail.Kind.DELIVERY, s.listAddress(), readers.get(i).addr(),
                    ListMail.concat(head, ListMail.encryptedBody(armored))));
        }
        if (readers.isEmpty()) checkAddressedToList(payload);
        String messageId = ListMail.header(post, "Message-ID");
        String shownId = messageId == null ? "(none)" : ListMail.clip(messageId);
        List<OutgoingMail> notices = new ArrayList<>();
        for (Subscriber sub : missing) {
            if (s.missedNotices() == ListSettings.NoticeMode.DIGEST) {
                events.add(new RosterEvent.MissedMessageQueued(sub.addr(), now, from, shownId));
                continue;
            }
            byte[] mail = ListMail.textMail(s, sub.addr(), "[" + s.listAddress() + "] a message you could not receive",
                    messageId, ListMail.messageId(s, raw, "missed " + sub.addr()), now, pipeline.listHeaderOrNull(roster),
                    Notices.missed(s, from, ListMail.subject(post), shownId));
            notices.add(new OutgoingMail(OutgoingMail.Kind.MISSED_NOTICE, s.listAddress(), sub.addr(), mail));
        }
        return new PostOutcome.Delivered(events, deliveries, notices, true);
    }

    // With nobody to re-wrap for, still refuse a post the list could not have forwarded.
    private void checkAddressedToList(byte[] payload) throws CryptoException {
        pipeline.crypto().rewrap(payload, pipeline.listKeys(), List.of(pipeline.listKeys().get(0).toCertificate()), false);
    }
}
