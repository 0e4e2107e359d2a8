package dev.kinbox.actors.remailer;

import dev.kinbox.actors.remailer.ListMail.BadMail;
import dev.kinbox.actors.remailer.PostOutcome.Reason;
import dev.kinbox.crypto.AutocryptMail;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * The remailer's decision for one incoming mail, as a pure function: {@code (roster, raw mail) ->}
 * {@link PostOutcome}. It sends nothing and changes nothing; the caller sends
 * {@link PostOutcome#outgoing()} and persists/folds {@link PostOutcome#events()}.
 *
 * <p>Order of checks: size cap (before parsing), MIME parse, loop (our List-Id or X-Loop, our own From,
 * {@code Auto-Submitted}, reports, mailer-daemon), flood limit per sender, Autocrypt Level 1 key
 * collection for subscribers, the {@code subscribe}/{@code unsubscribe} subject commands, subscriber
 * check, then delivery. Encrypted (PGP/MIME) posts are re-wrapped per subscriber with
 * {@link Crypto#rewrap}: only the session-key packets change, the encrypted payload is copied
 * untouched and the content is never decrypted. Subscribers without a usable key get a
 * missed-message notice (or a digest entry) and never the content. Plaintext posts are refused in
 * {@code mandatory} mode and copied plain otherwise. Copies carry {@code List-Id}, {@code List-Post}
 * and, while {@link Roster#headerActive()}, the list's {@code Autocrypt} header with
 * {@code _list-recommendation} and {@code _list-recipients=N/M}; the sender's Autocrypt headers and
 * attached {@code application/pgp-keys} parts are stripped (inside an encrypted post the list cannot
 * see, so cannot strip, anything).
 *
 * <p>Time comes from the injected {@link Clock}; list-made Message-IDs are derived from the input, so
 * the same mail gives the same outcome (bar the random bytes of re-wrapped session-key packets).
 */
public final class RemailerPipeline {
    private final Crypto crypto;
    private final List<OpenPGPKey> listKeys;
    private final OpenPGPCertificate listCert;
    private final Clock clock;

    /**
     * @param crypto  crypto bound to the same clock
     * @param listKey the list's secret key (encryption subkey required); never logged
     */
    public RemailerPipeline(Crypto crypto, OpenPGPKey listKey, Clock clock) throws RemailerException {
        if (listKey.toCertificate().getEncryptionKeys(Date.from(clock.instant())).isEmpty()) {
            throw new RemailerException.InvalidConfiguration("the list key has no usable encryption subkey");
        }
        this.crypto = crypto;
        this.listKeys = List.of(listKey);
        this.listCert = listKey.toCertificate();
        this.clock = clock;
    }

    /** Decides what to do with one raw RFC 5322 mail. Never throws; bad input is a refusal or a drop. */
    public PostOutcome process(Roster roster, byte[] raw) {
        return process(roster, raw, raw == null ? 0 : raw.length);
    }

    /**
     * As {@link #process(Roster, byte[])} for a mail whose stored size is {@code size}; when that is over
     * the cap, {@code raw} may be just its header section (the service then never fetches the body).
     */
    PostOutcome process(Roster roster, byte[] raw, long size) {
        try {
            return decide(roster, raw, size);
        } catch (RuntimeException e) {
            // a safety net, not a path: a bug or a library surprise must not leave a poison mail in the inbox
            return new PostOutcome.Dropped(Reason.MALFORMED, "unexpected " + e.getClass().getSimpleName() + ": "
                    + ListMail.clip(e.getMessage()), List.of());
        }
    }

    private PostOutcome decide(Roster roster, byte[] raw, long size) {
        ListSettings s = roster.settings();
        Instant now = clock.instant();
        if (raw == null || raw.length == 0) return new PostOutcome.Dropped(Reason.MALFORMED, "empty mail", List.of());
        if (size > s.maxPostBytes() || raw.length > s.maxPostBytes()) return oversized(roster, raw, Math.max(size, raw.length), now);
        MimeMessage m;
        try {
            m = ListMail.parse(raw);
        } catch (BadMail e) {
            return new PostOutcome.Dropped(Reason.MALFORMED, e.getMessage(), List.of());
        }
        String from = ListMail.from(m);
        String loop = loopReason(s, m, from);
        if (loop != null) return new PostOutcome.Dropped(Reason.LOOP, loop, List.of());
        if (from == null) return new PostOutcome.Dropped(Reason.MALFORMED, "From is missing or not exactly one address", List.of());
        if (roster.mailsInWindow(from, now) >= s.floodMaxPosts()) {
            return new PostOutcome.Dropped(Reason.FLOOD, "more than " + s.floodMaxPosts() + " mails from " + from
                    + " within " + s.floodWindow(), List.of());
        }
        List<RosterEvent> events = new ArrayList<>();
        events.add(new RosterEvent.PostReceived(from, now));
        String command = ListMail.subject(m).toLowerCase(Locale.ROOT);
        if (command.equals("subscribe") && !roster.isSubscribed(from)) {
            events.add(new RosterEvent.SubscriberAdded(from, now));
        }
        Roster r = roster.applyAll(events);
        List<String> notes = new ArrayList<>();
        AutocryptMail ac;
        try {
            ac = crypto.autocrypt().parseMail(raw, now);
        } catch (CryptoException e) {
            return refuse(r, events, Reason.MALFORMED, e.getMessage(), from, m, raw, now);
        }
        List<RosterEvent> collected = r.collect(ac, notes);
        events.addAll(collected);
        r = r.applyAll(collected);
        if (command.equals("subscribe") || command.equals("unsubscribe")) return command(roster, r, command, from, m, raw, events, now);
        if (!r.isSubscribed(from)) return refuse(r, events, Reason.NOT_SUBSCRIBED, "not subscribed", from, m, raw, now);
        try {
            byte[] payload = ListMail.pgpMimePayload(m);
            if (payload != null) return new Rewrapping(this, r, m, raw, from, now).deliver(events, payload);
            if (s.recommendation() == ListSettings.Mode.MANDATORY) {
                return refuse(r, events, Reason.PLAINTEXT_REFUSED, "plaintext post to a mandatory list", from, m, raw, now);
            }
            byte[] body = ListMail.plainBody(m);
            String head = ListMail.keptHeaders(m) + ListMail.listHeaders(s, r.headerActive() ? listHeader(r) : null)
                    + "MIME-Version: 1.0\r\n";
            byte[] copy = ListMail.concat(head, body);
            List<OutgoingMail> out = new ArrayList<>();
            for (Subscriber sub : r.active()) out.add(new OutgoingMail(OutgoingMail.Kind.DELIVERY, s.listAddress(), sub.addr(), copy));
            return new PostOutcome.Delivered(events, out, List.of(), false);
        } catch (BadMail e) {
            return refuse(r, events, Reason.MALFORMED, e.getMessage(), from, m, raw, now);
        } catch (CryptoException.NoMatchingKey e) {
            return refuse(r, events, Reason.NOT_ENCRYPTED_TO_LIST, e.getMessage(), from, m, raw, now);
        } catch (CryptoException e) {
            return refuse(r, events, Reason.MALFORMED, "bad OpenPGP message: " + e.getMessage(), from, m, raw, now);
        }
    }

    /**
     * In digest mode: one notice per subscriber with queued missed messages, and the events that
     * clear the queues. Call it on the digest schedule (the future actor's timer).
     */
    public PostOutcome.Delivered digest(Roster roster) {
        ListSettings s = roster.settings();
        Instant now = clock.instant();
        List<RosterEvent> events = new ArrayList<>();
        List<OutgoingMail> notices = new ArrayList<>();
        String header = listHeaderOrNull(roster);
        roster.missed().forEach((addr, items) -> {
            if (items.isEmpty() || !roster.isSubscribed(addr)) return;
            String id = ListMail.messageId(s, (addr + items.get(items.size() - 1).at()).getBytes(java.nio.charset.StandardCharsets.UTF_8), "digest");
            byte[] mail = ListMail.textMail(s, addr, "[" + s.listAddress() + "] messages you could not receive", null,
                    id, now, header, Notices.digest(s, items, now));
            notices.add(new OutgoingMail(OutgoingMail.Kind.MISSED_NOTICE, s.listAddress(), addr, mail));
            events.add(new RosterEvent.MissedDigestSent(addr, now));
        });
        return new PostOutcome.Delivered(events, List.of(), notices, false);
    }

    /** The list's Autocrypt header value with its {@code _list-*} attributes for the roster's counts. */
    public String listHeader(Roster r) throws CryptoException {
        ListSettings s = r.settings();
        String plain = crypto.autocrypt().formatHeader(s.listAddress(), listCert, s.recommendation() == ListSettings.Mode.MANDATORY);
        String attrs = " _list-recommendation=" + s.recommendation().wire() + "; _list-recipients=" + r.withKeys() + "/"
                + r.active().size() + ";";
        int at = plain.indexOf(" keydata=");
        return plain.substring(0, at) + attrs + plain.substring(at);
    }

    String listHeaderOrNull(Roster r) {
        try {
            return listHeader(r);
        } catch (CryptoException e) {
            return null; // the constructor checked the key; a failure here leaves the header out
        }
    }

    Crypto crypto() { return crypto; }

    List<OpenPGPKey> listKeys() { return listKeys; }

    /** A usable certificate for a subscriber's key at {@code now}, or null. */
    /** Whether the list can encrypt to this subscriber now (a key that parses and has a valid encryption subkey). */
    public boolean usable(Subscriber sub) {
        return usableCert(sub, clock.instant()) != null;
    }

    OpenPGPCertificate usableCert(Subscriber sub, Instant now) {
        if (sub.key().isEmpty()) return null;
        try {
            OpenPGPCertificate c = crypto.readCertificate(sub.key().get());
            return c.getEncryptionKeys(Date.from(now)).isEmpty() ? null : c;
        } catch (CryptoException | RuntimeException e) {
            return null;
        }
    }

    private PostOutcome command(Roster before, Roster r, String command, String from, MimeMessage m, byte[] raw,
                                List<RosterEvent> events, Instant now) {
        ListSettings s = r.settings();
        String text;
        if (command.equals("subscribe")) {
            text = Notices.subscribed(s, before.isSubscribed(from), r.subscribers().get(from).key().isPresent());
        } else {
            boolean was = r.isSubscribed(from);
            if (was) events.add(new RosterEvent.SubscriberRemoved(from, now));
            text = Notices.unsubscribed(s, was);
        }
        byte[] mail = ListMail.textMail(s, from, "[" + s.listAddress() + "] " + command, ListMail.header(m, "Message-ID"),
                ListMail.messageId(s, raw, command), now, listHeaderOrNull(r), text);
        return new PostOutcome.CommandHandled(command, events, new OutgoingMail(OutgoingMail.Kind.REPLY, s.listAddress(), from, mail));
    }

    private PostOutcome refuse(Roster r, List<RosterEvent> events, Reason reason, String detail, String from,
                               MimeMessage m, byte[] raw, Instant now) {
        ListSettings s = r.settings();
        byte[] mail = ListMail.textMail(s, from, "[" + s.listAddress() + "] your message was not distributed",
                m == null ? null : ListMail.header(m, "Message-ID"), ListMail.messageId(s, raw, "refusal"), now,
                listHeaderOrNull(r), Notices.refusal(reason, s, ListMail.clip(detail)));
        return new PostOutcome.Refused(reason, ListMail.clip(detail), events,
                new OutgoingMail(OutgoingMail.Kind.REPLY, s.listAddress(), from, mail));
    }

    // Only the header section of an oversized mail is read (at most 64 KiB of it) to find whom to tell.
    private PostOutcome oversized(Roster roster, byte[] raw, long size, Instant now) {
        ListSettings s = roster.settings();
        String detail = size + " bytes, over the limit of " + s.maxPostBytes();
        try {
            InternetHeaders h = new InternetHeaders(new ByteArrayInputStream(raw, 0, Math.min(raw.length, 64 * 1024)));
            MimeMessage headersOnly = new MimeMessage(ListMail.SESSION);
            for (var e = h.getAllHeaderLines(); e.hasMoreElements(); ) headersOnly.addHeaderLine(e.nextElement());
            String from = ListMail.from(headersOnly);
            String loop = loopReason(s, headersOnly, from);
            if (loop != null) return new PostOutcome.Dropped(Reason.LOOP, loop, List.of());
            if (from == null || roster.mailsInWindow(from, now) >= s.floodMaxPosts()) {
                return new PostOutcome.Dropped(Reason.OVERSIZED, detail, List.of());
            }
            List<RosterEvent> events = List.of(new RosterEvent.PostReceived(from, now));
            return refuse(roster.applyAll(events), new ArrayList<>(events), Reason.OVERSIZED, detail, from, headersOnly, raw, now);
        } catch (jakarta.mail.MessagingException | RuntimeException e) {
            return new PostOutcome.Dropped(Reason.OVERSIZED, detail, List.of());
        }
    }

    private static String loopReason(ListSettings s, MimeMessage m, String from) {
        String listId = ListMail.header(m, "List-Id");
        if (listId != null && listId.toLowerCase(Locale.ROOT).contains(s.listId())) return "our own List-Id came back";
        String xLoop = ListMail.header(m, "X-Loop");
        if (xLoop != null && xLoop.toLowerCase(Locale.ROOT).contains(s.listAddress())) return "our own X-Loop came back";
        if (s.listAddress().equals(from)) return "mail from the list address itself";
        String auto = ListMail.header(m, "Auto-Submitted");
        if (auto != null && !auto.toLowerCase(Locale.ROOT).startsWith("no")) return "automatic mail (Auto-Submitted: " + ListMail.clip(auto) + ")";
        try {
            if (m.isMimeType("multipart/report")) return "a delivery or disposition report";
        } catch (jakarta.mail.MessagingException | RuntimeException e) {
            return "unreadable Content-Type";
        }
        if (from != null && (from.startsWith("mailer-daemon@") || from.startsWith("postmaster@"))) return "mail from " + from;
        return null;
    }
}
