package dev.kinbox.crypto;

import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * Autocrypt Level 1: header parse/format, the peer-state update, gossip and the
 * recommendation. Obtain via {@link Crypto#autocrypt()}. Every method is pure apart from
 * reading its arguments; mails are raw RFC 5322 bytes.
 */
public final class Autocrypt {
    /** Autocrypt's staleness limit for the recommendation. */
    static final Duration STALE = Duration.ofDays(35);

    private final Crypto crypto;

    Autocrypt(Crypto crypto) {
        this.crypto = crypto;
    }

    /** Parses one header value (unfolded or folded) whose addr must equal {@code fromAddr}. */
    public AutocryptHeader parseHeader(String value, String fromAddr) throws CryptoException {
        return HeaderGrammar.parse(crypto, value, fromAddr == null ? null : HeaderGrammar.canonical(fromAddr), false);
    }

    /**
     * Reads the {@code Autocrypt} headers of a mail. Never throws for a bad header: reasons land in
     * {@link AutocryptMail#errors()}; several valid headers mean none is used. Only a mail that is
     * not a mail at all is {@link CryptoException.Malformed}.
     */
    public AutocryptMail parseMail(byte[] raw, Instant receivedAt) throws CryptoException {
        MimeMessage m = MailParsing.parse(raw);
        String from = MailParsing.from(m);
        Instant eff = MailParsing.effectiveDate(m, receivedAt);
        List<String> rcpts = MailParsing.recipients(m);
        List<String> errors = new ArrayList<>();
        List<AutocryptHeader> valid = new ArrayList<>();
        List<String> values = MailParsing.headers(m, "Autocrypt");
        if (from == null) {
            errors.add("From is missing or not exactly one address");
        } else if (MailParsing.isReport(m)) {
            if (!values.isEmpty()) errors.add("Autocrypt header on multipart/report is ignored");
        } else {
            for (String v : values) {
                try {
                    valid.add(HeaderGrammar.parse(crypto, v, from, false));
                } catch (CryptoException e) {
                    errors.add(e.getMessage());
                }
            }
        }
        if (valid.size() > 1) {
            errors.add(valid.size() + " valid Autocrypt headers: all ignored");
            valid.clear();
        }
        if (values.isEmpty() && from != null) errors.add("no Autocrypt header");
        return new AutocryptMail(from, eff, valid.stream().findFirst(), rcpts, errors);
    }

    /** The header value announcing {@code cert} for {@code addr} (keydata cut to five packets). */
    public String formatHeader(String addr, OpenPGPCertificate cert, boolean mutual) throws CryptoException {
        String a = HeaderGrammar.canonical(addr);
        return HeaderGrammar.format(a, KeyShape.minimal(cert, a), mutual, Map.of());
    }

    /** An {@code Autocrypt-Gossip} header value for a recipient's key. */
    public String formatGossip(String addr, byte[] keydata) {
        return HeaderGrammar.format(HeaderGrammar.canonical(addr), keydata, false, Map.of());
    }

    /** Level 1 update of {@code old} (state of {@code mail.from()}) with one received mail. */
    public static PeerState update(PeerState old, AutocryptMail mail) {
        Instant d = mail.effectiveDate();
        if (old.autocryptTimestamp() != null && d.isBefore(old.autocryptTimestamp())) return old;
        Instant seen = old.lastSeen() == null || d.isAfter(old.lastSeen()) ? d : old.lastSeen();
        if (mail.header().isEmpty()) {
            return new PeerState(old.addr(), seen, old.autocryptTimestamp(), old.publicKey(), old.mutual(),
                    old.gossipTimestamp(), old.gossipKey());
        }
        AutocryptHeader h = mail.header().get();
        return new PeerState(old.addr(), seen, d, h.keydata(), h.mutual(), old.gossipTimestamp(), old.gossipKey());
    }

    /**
     * Level 1 gossip update: unless the stored gossip is more recent than {@code effectiveDate}, the
     * gossip key and timestamp are replaced (an equally old gossip replaces too, as the spec says).
     */
    public static PeerState updateGossip(PeerState old, AutocryptHeader gossip, Instant effectiveDate) {
        if (old.gossipTimestamp() != null && effectiveDate.isBefore(old.gossipTimestamp())) return old;
        return new PeerState(old.addr(), old.lastSeen(), old.autocryptTimestamp(), old.publicKey(), old.mutual(),
                effectiveDate, gossip.keydata());
    }

    /**
     * Decrypts a PGP/MIME mail with {@code keys} and returns the valid {@code Autocrypt-Gossip}
     * headers of its root part whose addr is among the outer To/Cc; rejects go to {@code errors}.
     */
    public List<AutocryptHeader> readGossip(byte[] raw, List<OpenPGPKey> keys, List<String> errors)
            throws CryptoException {
        MimeMessage outer = MailParsing.parse(raw);
        byte[] inner = crypto.decryptAndVerify(encryptedPayload(outer), keys, List.of()).plaintext();
        return gossipOf(MailParsing.parse(inner), MailParsing.recipients(outer), errors);
    }

    /**
     * Decrypts (and verifies against {@code verifiers}) the OpenPGP part of a PGP/MIME
     * ({@code multipart/encrypted}) mail; the plaintext is the inner MIME entity.
     */
    public Decrypted decryptMail(byte[] raw, List<OpenPGPKey> keys, List<OpenPGPCertificate> verifiers)
            throws CryptoException {
        return crypto.decryptAndVerify(encryptedPayload(MailParsing.parse(raw)), keys, verifiers);
    }

    /** Gossip headers of an already decrypted root part, restricted to {@code recipients}. */
    public List<AutocryptHeader> gossipOf(Part decryptedRoot, Collection<String> recipients, List<String> errors)
            throws CryptoException {
        List<AutocryptHeader> out = new ArrayList<>();
        for (String v : MailParsing.headers(decryptedRoot, "Autocrypt-Gossip")) {
            try {
                AutocryptHeader h = HeaderGrammar.parse(crypto, v, null, true);
                if (!recipients.contains(h.addr())) {
                    errors.add("gossip for " + HeaderGrammar.clip(h.addr()) + " who is not a recipient");
                } else {
                    out.add(h);
                }
            } catch (CryptoException e) {
                errors.add("gossip: " + e.getMessage());
            }
        }
        return out;
    }

    /** The armored OpenPGP payload (second part) of a multipart/encrypted mail. */
    static byte[] encryptedPayload(MimeMessage m) throws CryptoException {
        try {
            if (!m.isMimeType("multipart/encrypted")) throw new CryptoException.Malformed("not multipart/encrypted");
            Object c = m.getContent();
            if (!(c instanceof Multipart mp) || mp.getCount() != 2) {
                throw new CryptoException.Malformed("multipart/encrypted needs exactly two parts");
            }
            try (InputStream in = mp.getBodyPart(1).getInputStream()) {
                return Messages.readCapped(in);
            }
        } catch (MessagingException | IOException | RuntimeException e) {
            throw new CryptoException.Malformed("unreadable PGP/MIME structure: " + e.getMessage(), e);
        }
    }

    /** Preliminary + final recommendation for one recipient. */
    public Recommendation recommend(PeerState peer, boolean ownMutual, boolean replyToEncrypted, Instant now) {
        byte[] key = peer.publicKey() != null ? peer.publicKey() : peer.gossipKey();
        if (key == null || !usable(key, now)) return Recommendation.DISABLE;
        Recommendation pre = Recommendation.AVAILABLE;
        if (peer.publicKey() == null) {
            pre = Recommendation.DISCOURAGE;
        } else if (peer.lastSeen() != null && peer.autocryptTimestamp() != null
                && peer.autocryptTimestamp().plus(STALE).isBefore(peer.lastSeen())) {
            pre = Recommendation.DISCOURAGE;
        }
        if (replyToEncrypted) return Recommendation.ENCRYPT;
        if (pre == Recommendation.AVAILABLE && ownMutual && peer.mutual()) return Recommendation.ENCRYPT;
        return pre;
    }

    /** Combined recommendation for a message to several recipients. */
    public Recommendation recommend(List<PeerState> peers, boolean ownMutual, boolean replyToEncrypted, Instant now) {
        if (peers.isEmpty()) return Recommendation.DISABLE;
        boolean allEncrypt = true, anyDiscourage = false;
        for (PeerState p : peers) {
            Recommendation r = recommend(p, ownMutual, replyToEncrypted, now);
            if (r == Recommendation.DISABLE) return Recommendation.DISABLE;
            allEncrypt &= r == Recommendation.ENCRYPT;
            anyDiscourage |= r == Recommendation.DISCOURAGE;
        }
        if (allEncrypt) return Recommendation.ENCRYPT;
        return anyDiscourage ? Recommendation.DISCOURAGE : Recommendation.AVAILABLE;
    }

    private boolean usable(byte[] key, Instant now) {
        try {
            OpenPGPCertificate c = crypto.readCertificate(key);
            return !c.getEncryptionKeys(java.util.Date.from(now)).isEmpty();
        } catch (CryptoException | RuntimeException e) {
            return false;
        }
    }

    /** Convenience for callers that only want the sender's header. */
    public Optional<AutocryptHeader> senderHeader(byte[] raw, Instant receivedAt) throws CryptoException {
        return parseMail(raw, receivedAt).header();
    }
}
