package dev.kinbox.actors.mail;

import dev.kinbox.crypto.AutocryptHeader;
import dev.kinbox.crypto.AutocryptMail;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.crypto.Decrypted;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.PeerEvent.PeerAutocryptSeen;
import dev.kinbox.persistence.PeerEvent.PeerGossipSeen;
import dev.kinbox.persistence.PeerEvent.PeerMailSeen;
import dev.kinbox.persistence.PeerState;
import dev.kinbox.persistence.PreferEncrypt;
import dev.kinbox.persistence.SettingsEvent.MailingListSeen;
import dev.kinbox.persistence.StateValues.MailingList;
import dev.kinbox.persistence.crdt.Bytes;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.persistence.crdt.Ids;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code onIncoming}: reads one received mail into findings (sender header or plain sighting,
 * gossip after decryption, a list's recommendation), drops those the state already has, and only
 * then stamps them, so a failure anywhere leaves no events.
 */
final class Incoming {
    private static final String PROBE = "0000000000000000";
    private static final Dot PROBE_DOT = new Dot(PROBE, 1);
    private static final Hlc PROBE_TIME = new Hlc(0, 0, PROBE);

    private final Crypto crypto;
    private final MailSettings settings;

    Incoming(Crypto crypto, MailSettings settings) {
        this.crypto = crypto;
        this.settings = settings;
    }

    /** One thing the mail tells us, not yet named by a dot. */
    private sealed interface Finding {
        AccountEvent stamp(Dot dot, Hlc time);
    }

    private record Sighting(String addr, long date) implements Finding {
        public AccountEvent stamp(Dot d, Hlc t) { return new PeerMailSeen(d, t, addr, date); }
    }

    private record HeaderSeen(String addr, long date, AutocryptHeader h) implements Finding {
        public AccountEvent stamp(Dot d, Hlc t) {
            return new PeerAutocryptSeen(d, t, addr, date, h.fingerprint(), Bytes.of(h.keydata()),
                    h.mutual() ? PreferEncrypt.MUTUAL : PreferEncrypt.NOPREFERENCE);
        }
    }

    private record GossipSeen(String addr, long date, AutocryptHeader h) implements Finding {
        public AccountEvent stamp(Dot d, Hlc t) {
            return new PeerGossipSeen(d, t, addr, date, h.fingerprint(), Bytes.of(h.keydata()));
        }
    }

    private record ListSeen(String addr, String recommendation, String recipients, long date) implements Finding {
        public AccountEvent stamp(Dot d, Hlc t) { return new MailingListSeen(d, t, addr, recommendation, recipients, date); }
    }

    IncomingResult process(byte[] raw, Instant receivedAt, AccountState state, AccountKeys keys, EventStamp stamp)
            throws MailProcessingException {
        MimeMessage m = Mails.parse(raw, settings.maxMailBytes());
        String from = Mails.from(m);
        AutocryptMail ac;
        try {
            ac = crypto.autocrypt().parseMail(raw, receivedAt);
        } catch (CryptoException e) {
            throw new MailProcessingException.Malformed("not a mail: " + e.getMessage(), e);
        }
        List<String> notes = new ArrayList<>(ac.errors());
        long date = ac.effectiveDate().toEpochMilli();
        Keyring ring = new Keyring(state);
        List<Finding> found = new ArrayList<>();

        boolean own = from.equals(settings.accountAddress());
        boolean blockedSender = !own && ring.blocked(from);
        if (own) {
            notes.add("mail from our own address: sender not recorded as a peer");
        } else if (blockedSender) {
            notes.add("sender is blocked: its Autocrypt header and gossip are ignored");
        } else if (ac.header().isPresent()) {
            AutocryptHeader h = ac.header().get();
            found.add(new HeaderSeen(from, date, h));
            listOf(m, from, h, date, notes).ifPresent(found::add);
        } else {
            found.add(new Sighting(from, date));
        }

        Optional<String> decryptedWith = Optional.empty();
        if (Mails.isEncrypted(m) && !blockedSender) { // a blocked sender plants no keys for others either
            Optional<Decrypted> d = decrypt(raw, keys, notes);
            if (d.isPresent()) {
                decryptedWith = Optional.ofNullable(d.get().decryptedWith());
                for (AutocryptHeader g : gossip(d.get().plaintext(), ac.recipients(), notes)) {
                    if (g.addr().equals(settings.accountAddress())) continue; // our key lives in accountKeys
                    if (Mails.canonical(g.addr()) == null) {
                        notes.add("gossip for an unusable address ignored");
                        continue;
                    }
                    if (ring.blocked(g.addr())) {
                        notes.add("gossip for a blocked peer ignored");
                        continue;
                    }
                    found.add(new GossipSeen(g.addr(), date, g));
                }
            }
        }
        return new IncomingResult(stampNew(found, state, stamp), from, decryptedWith, notes);
    }

    // Level 1 keeps an encrypted mail we cannot open: its outer header still counts.
    private Optional<Decrypted> decrypt(byte[] raw, AccountKeys keys, List<String> notes)
            throws MailProcessingException.Malformed {
        if (keys.all().isEmpty()) {
            notes.add("encrypted, but we hold no account key");
            return Optional.empty();
        }
        try {
            return Optional.of(crypto.autocrypt().decryptMail(raw, keys.secretKeys(), List.of()));
        } catch (CryptoException.NoMatchingKey e) {
            notes.add("encrypted, but not to any account key we hold");
            return Optional.empty();
        } catch (CryptoException e) {
            throw new MailProcessingException.Malformed("bad OpenPGP data: " + e.getMessage(), e);
        }
    }

    private List<AutocryptHeader> gossip(byte[] inner, List<String> recipients, List<String> notes)
            throws MailProcessingException.Malformed {
        try {
            MimeBodyPart root = new MimeBodyPart(new ByteArrayInputStream(inner));
            return crypto.autocrypt().gossipOf(root, recipients, notes);
        } catch (MessagingException | CryptoException | RuntimeException e) {
            throw new MailProcessingException.Malformed("bad decrypted MIME: " + e.getMessage(), e);
        }
    }

    // A list announces itself with _list-recommendation on its own (From) header plus List-Id.
    private static Optional<Finding> listOf(MimeMessage m, String from, AutocryptHeader h, long date, List<String> notes)
            throws MailProcessingException.Malformed {
        String rec = h.nonCritical().get("_list-recommendation");
        if (rec == null) return Optional.empty();
        if (Mails.header(m, "List-Id") == null) {
            notes.add("_list-recommendation without List-Id: not a list mail");
            return Optional.empty();
        }
        rec = rec.toLowerCase(Locale.ROOT);
        if (!rec.equals("available") && !rec.equals("mandatory")) {
            notes.add("unknown _list-recommendation ignored");
            return Optional.empty();
        }
        String recipients = h.nonCritical().getOrDefault("_list-recipients", "");
        try {
            Ids.requireText("list recipients", recipients);
        } catch (IllegalArgumentException e) {
            notes.add("_list-recipients unusable: list recommendation ignored");
            return Optional.empty();
        }
        return Optional.of(new ListSeen(from, rec, recipients, date));
    }

    // Events that would change nothing are not made: keeps the journal small and is safe, since
    // a state that already contains an effect keeps containing it under every later join.
    private static List<AccountEvent> stampNew(List<Finding> found, AccountState state, EventStamp stamp) {
        List<AccountEvent> out = new ArrayList<>();
        AccountState running = state;
        for (Finding f : found) {
            if (!changes(running, f)) continue;
            Hlc t = stamp.now();
            AccountEvent e = f.stamp(stamp.nextDot(), t);
            out.add(e);
            running = running.apply(e);
        }
        return out;
    }

    private static boolean changes(AccountState s, Finding f) {
        if (f instanceof ListSeen l) {
            // order-independent on one device: an older list mail never displaces a newer one
            var r = s.mailingLists().get(l.addr());
            if (r == null) return true;
            MailingList now = r.value();
            return l.date() > now.seenAt() || (l.date() == now.seenAt()
                    && (!l.recommendation().equals(now.recommendation()) || !l.recipients().equals(now.recipients())));
        }
        AccountEvent probe = f.stamp(PROBE_DOT, PROBE_TIME);
        String addr = ((dev.kinbox.persistence.PeerEvent) probe).address();
        PeerState delta = AccountState.deltaOf(probe).peers().get(addr);
        PeerState old = s.peers().get(addr);
        return old == null || !old.join(delta).equals(old);
    }
}
