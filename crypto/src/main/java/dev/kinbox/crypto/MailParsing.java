package dev.kinbox.crypto;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;

/** Jakarta Mail plumbing with size caps and every failure typed. */
final class MailParsing {
    static final int MAX_MAIL = 32 << 20;
    private static final Session SESSION = Session.getInstance(new Properties());

    private MailParsing() {}

    static MimeMessage parse(byte[] raw) throws CryptoException.Malformed {
        if (raw == null || raw.length == 0) throw new CryptoException.Malformed("empty mail");
        if (raw.length > MAX_MAIL) throw new CryptoException.Malformed("mail over " + MAX_MAIL + " bytes");
        try {
            return new MimeMessage(SESSION, new ByteArrayInputStream(raw));
        } catch (MessagingException | RuntimeException e) {
            throw new CryptoException.Malformed("not a mail: " + e.getMessage(), e);
        }
    }

    /** All values of a header, unfolded; never null. */
    static List<String> headers(jakarta.mail.Part m, String name) throws CryptoException.Malformed {
        try {
            String[] v = m.getHeader(name);
            List<String> out = new ArrayList<>();
            if (v != null) for (String s : v) out.add(MimeUtility.unfold(s));
            return out;
        } catch (MessagingException | RuntimeException e) {
            throw new CryptoException.Malformed("unreadable header " + name, e);
        }
    }

    /** The single From address, canonical, or null. */
    static String from(MimeMessage m) {
        try {
            Address[] a = m.getFrom();
            if (a == null || a.length != 1 || !(a[0] instanceof InternetAddress ia) || ia.getAddress() == null) return null;
            return HeaderGrammar.canonical(ia.getAddress());
        } catch (MessagingException | RuntimeException e) {
            return null;
        }
    }

    static List<String> recipients(MimeMessage m) {
        List<String> out = new ArrayList<>();
        for (Message.RecipientType t : new Message.RecipientType[] {Message.RecipientType.TO, Message.RecipientType.CC}) {
            try {
                Address[] a = m.getRecipients(t);
                if (a == null) continue;
                for (Address x : a) {
                    if (x instanceof InternetAddress ia && ia.getAddress() != null) out.add(HeaderGrammar.canonical(ia.getAddress()));
                }
            } catch (AddressException e) {
                // a broken recipient list yields no gossip targets from it
            } catch (MessagingException | RuntimeException e) {
                // same
            }
        }
        return out;
    }

    static Instant effectiveDate(MimeMessage m, Instant receivedAt) {
        Date d;
        try {
            d = m.getSentDate();
        } catch (MessagingException | RuntimeException e) {
            d = null;
        }
        if (d == null || d.toInstant().isAfter(receivedAt)) return receivedAt;
        return d.toInstant();
    }

    static boolean isReport(MimeMessage m) {
        try {
            return m.isMimeType("multipart/report");
        } catch (MessagingException | RuntimeException e) {
            return false;
        }
    }
}
