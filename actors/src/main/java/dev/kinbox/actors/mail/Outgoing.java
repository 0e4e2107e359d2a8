package dev.kinbox.actors.mail;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.crypto.Recommendation;
import dev.kinbox.persistence.AccountState;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;

/** {@code prepareOutgoing}: recommendation, decision, our header, and PGP/MIME when encrypting. */
final class Outgoing {
    private final Crypto crypto;
    private final Clock clock;
    private final MailSettings settings;
    private final Recommender recommender;

    Outgoing(Crypto crypto, Clock clock, MailSettings settings) {
        this.crypto = crypto;
        this.clock = clock;
        this.settings = settings;
        this.recommender = new Recommender(crypto.autocrypt());
    }

    OutgoingDecision prepare(MimeMessage draft, AccountState state, AccountKeys keys, OutgoingPolicy policy)
            throws MailProcessingException {
        int cap = settings.maxMailBytes();
        // our own copy; writing the draft runs its saveChanges, which mints a new Message-ID
        String id = Mails.header(draft, "Message-ID");
        MimeMessage m = Mails.parseKeepingId(Mails.bytes(draft, cap), cap);
        if (id != null) setHeader(m, "Message-ID", id);
        String from = Mails.from(m);
        if (!from.equals(settings.accountAddress())) throw new MailProcessingException.Refused("From is not the account address");
        AccountKeys.HeldKey own = keys.current()
                .orElseThrow(() -> new MailProcessingException.Refused("no current account key"));
        List<String> visible = Mails.recipients(m, RecipientType.TO, RecipientType.CC);
        visible.remove(from);
        List<String> all = new ArrayList<>(visible);
        for (String b : Mails.recipients(m, RecipientType.BCC)) if (!b.equals(from) && !all.contains(b)) all.add(b);

        Keyring ring = new Keyring(state);
        List<Recommender.Verdict> verdicts = new ArrayList<>();
        for (String r : all) verdicts.add(recommender.of(ring, r, policy.replyToEncrypted(), clock.instant()));
        Recommendation combined = Recommender.combine(verdicts);
        Map<String, Recommendation> per = new LinkedHashMap<>();
        for (Recommender.Verdict v : verdicts) per.put(v.addr(), v.rec());

        boolean mandatoryList = verdicts.stream().anyMatch(Recommender.Verdict::mandatory);
        List<Recommender.Verdict> unusable = verdicts.stream().filter(v -> v.key() == null).toList();
        boolean encrypt;
        String reason;
        switch (policy.choice()) {
            case PLAIN -> {
                encrypt = false;
                reason = "not encrypted: you chose a plain mail" + (mandatoryList ? " (a list requires encryption and may refuse it)" : "");
            }
            case ENCRYPT -> {
                if (all.isEmpty()) throw new MailProcessingException.Refused("no recipients to encrypt to");
                if (!unusable.isEmpty()) throw new MailProcessingException.Refused("cannot encrypt: " + clauses(unusable));
                encrypt = true;
                reason = "encrypted: you asked for it; " + clauses(verdicts);
            }
            default -> {
                if (combined == Recommendation.ENCRYPT) {
                    encrypt = true;
                    reason = "encrypted: recommended for every recipient; " + clauses(verdicts);
                } else if (mandatoryList && unusable.isEmpty()) {
                    encrypt = true;
                    reason = "encrypted: a list requires it; " + clauses(verdicts);
                } else {
                    encrypt = false;
                    reason = "not encrypted: recommendation is " + combined.name().toLowerCase()
                            + (all.isEmpty() ? " (no recipients)" : "; " + clauses(verdicts));
                }
            }
        }

        try {
            m.removeHeader("Autocrypt");
            m.removeHeader("Autocrypt-Gossip");
            m.addHeader("Autocrypt", crypto.autocrypt().formatHeader(from, own.key().toCertificate(), ring.ownMutual()));
            List<String> gossiped = List.of();
            if (encrypt) gossiped = encrypt(m, verdicts, visible, own);
            m.saveChanges();
            return new OutgoingDecision(combined, per, encrypt, reason, m, gossiped);
        } catch (CryptoException e) {
            throw new MailProcessingException.Refused("cannot encrypt: " + e.getMessage(), e);
        } catch (MessagingException | IOException | RuntimeException e) {
            throw new MailProcessingException.Malformed("cannot build the mail: " + e.getMessage(), e);
        }
    }

    // Signed by the current account key, encrypted to every recipient and to ourselves; gossip
    // (Level 1) for the To/Cc recipients when there are several, never for Bcc.
    private List<String> encrypt(MimeMessage m, List<Recommender.Verdict> verdicts, List<String> visible,
                                 AccountKeys.HeldKey own) throws CryptoException, MessagingException, IOException {
        List<OpenPGPCertificate> to = new ArrayList<>();
        List<String[]> gossip = new ArrayList<>();
        List<String> gossiped = new ArrayList<>();
        for (Recommender.Verdict v : verdicts) {
            OpenPGPCertificate cert = crypto.readCertificate(v.key().keydata());
            to.add(cert);
            if (visible.size() >= 2 && visible.contains(v.addr())) {
                // formatHeader without prefer-encrypt is a gossip value, with the key cut to the
                // five-packet Autocrypt shape (stored keys may carry more, e.g. set by hand)
                gossip.add(new String[] {"Autocrypt-Gossip", crypto.autocrypt().formatHeader(v.addr(), cert, false)});
                gossiped.add(v.addr());
            }
        }
        to.add(own.key().toCertificate());
        byte[] inner = PgpMime.innerEntity(m, gossip);
        byte[] armored = crypto.encryptAndSign(inner, to, List.of(own.key()), true);
        PgpMime.wrap(m, armored);
        return gossiped;
    }

    private static void setHeader(MimeMessage m, String name, String value) throws MailProcessingException.Malformed {
        try {
            m.setHeader(name, value);
        } catch (MessagingException | RuntimeException e) {
            throw new MailProcessingException.Malformed("cannot set " + name, e);
        }
    }

    private static String clauses(List<Recommender.Verdict> vs) {
        return vs.stream().map(Recommender.Verdict::why).collect(Collectors.joining("; "));
    }
}
