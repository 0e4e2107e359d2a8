package dev.kinbox.actors.mail;

import dev.kinbox.persistence.crdt.Ids;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** Jakarta Mail plumbing for this package: size caps first, a bounded structure walk, typed errors. */
final class Mails {
    /** Deepest MIME nesting accepted (as the crypto module). */
    static final int MAX_DEPTH = 8;
    /** Most body parts in one mail. */
    static final int MAX_PARTS = 1000;
    static final Session SESSION = Session.getInstance(new Properties());

    private Mails() {}

    /** The wire form of {@code m}, refusing it as soon as it outgrows {@code cap}. */
    static byte[] bytes(MimeMessage m, int cap) throws MailProcessingException.Malformed {
        CappedOutput out = new CappedOutput(cap);
        try {
            m.writeTo(out);
        } catch (UncheckedOverflow e) {
            throw new MailProcessingException.Malformed("mail over " + cap + " bytes");
        } catch (IOException | MessagingException | RuntimeException e) {
            if (e.getCause() instanceof UncheckedOverflow) throw new MailProcessingException.Malformed("mail over " + cap + " bytes");
            throw new MailProcessingException.Malformed("mail cannot be written: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** Parses raw bytes (cap checked first) and walks the MIME structure once. */
    static MimeMessage parse(byte[] raw, int cap) throws MailProcessingException.Malformed {
        return parse(raw, cap, false);
    }

    private static MimeMessage parse(byte[] raw, int cap, boolean keepId) throws MailProcessingException.Malformed {
        if (raw == null || raw.length == 0) throw new MailProcessingException.Malformed("empty mail");
        if (raw.length > cap) throw new MailProcessingException.Malformed("mail over " + cap + " bytes");
        try {
            MimeMessage m = keepId ? new KeptId(raw) : new MimeMessage(SESSION, new ByteArrayInputStream(raw));
            checkStructure(m, 0, new int[] {0});
            return m;
        } catch (MessagingException | IOException | RuntimeException e) {
            throw new MailProcessingException.Malformed("bad MIME: " + e.getMessage(), e);
        }
    }

    /**
     * As {@link #parse}, as a message whose later {@code saveChanges} keeps an existing Message-ID
     * (Jakarta Mail would mint a new one, losing the draft's id and any threading built on it).
     */
    static MimeMessage parseKeepingId(byte[] raw, int cap) throws MailProcessingException.Malformed {
        return parse(raw, cap, true);
    }

    private static final class KeptId extends MimeMessage {
        KeptId(byte[] raw) throws MessagingException {
            super(SESSION, new ByteArrayInputStream(raw));
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            if (getHeader("Message-ID") == null) super.updateMessageID();
        }
    }

    // Forces every multipart to parse (Jakarta Mail is lazy), bounded in depth and count.
    private static void checkStructure(Part p, int depth, int[] count) throws MessagingException, IOException {
        if (++count[0] > MAX_PARTS) throw new MessagingException("more than " + MAX_PARTS + " parts");
        if (depth > MAX_DEPTH) throw new MessagingException("MIME nesting deeper than " + MAX_DEPTH);
        p.getContentType();
        if (p.isMimeType("multipart/*")) {
            if (!(p.getContent() instanceof Multipart mp)) throw new MessagingException("unreadable multipart");
            int n = mp.getCount();
            if (n == 0) throw new MessagingException("multipart without parts");
            for (int i = 0; i < n; i++) checkStructure(mp.getBodyPart(i), depth + 1, count);
        } else if (p.isMimeType("message/rfc822")) {
            if (p.getContent() instanceof Part inner) checkStructure(inner, depth + 1, count);
        }
    }

    /** The single From address, canonical; anything else is malformed (nobody to attribute it to). */
    static String from(MimeMessage m) throws MailProcessingException.Malformed {
        try {
            Address[] a = m.getFrom();
            if (a != null && a.length == 1 && a[0] instanceof InternetAddress ia && ia.getAddress() != null) {
                String c = canonical(ia.getAddress());
                if (c == null) throw new MailProcessingException.Malformed("From is not a usable address");
                return c;
            }
        } catch (MessagingException | RuntimeException e) {
            throw new MailProcessingException.Malformed("unreadable From: " + e.getMessage(), e);
        }
        throw new MailProcessingException.Malformed("From is missing or not exactly one address");
    }

    /** Canonical addresses of the given recipient fields; a broken field is malformed. */
    static List<String> recipients(MimeMessage m, Message.RecipientType... types) throws MailProcessingException.Malformed {
        List<String> out = new ArrayList<>();
        for (Message.RecipientType t : types) {
            try {
                Address[] a = m.getRecipients(t);
                if (a == null) continue;
                for (Address x : a) {
                    String c = x instanceof InternetAddress ia && ia.getAddress() != null ? canonical(ia.getAddress()) : null;
                    if (c != null && !out.contains(c)) out.add(c); // unusable addresses are nobody we can key
                }
            } catch (MessagingException | RuntimeException e) {
                throw new MailProcessingException.Malformed("unreadable " + t + " header: " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The first value of a header, unfolded and trimmed, or null. */
    static String header(Part p, String name) throws MailProcessingException.Malformed {
        try {
            String[] v = p.getHeader(name);
            return v == null || v.length == 0 ? null : MimeUtility.unfold(v[0]).trim();
        } catch (MessagingException | RuntimeException e) {
            throw new MailProcessingException.Malformed("unreadable header " + name, e);
        }
    }

    static boolean isEncrypted(Part p) throws MailProcessingException.Malformed {
        try {
            return p.isMimeType("multipart/encrypted");
        } catch (MessagingException | RuntimeException e) {
            throw new MailProcessingException.Malformed("unreadable Content-Type", e);
        }
    }

    /** The state's canonical form of {@code addr} ({@link Ids#canonicalAddress}), or null when it has none. */
    static String canonical(String addr) {
        try {
            return Ids.canonicalAddress(addr);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A byte sink that throws once more than {@code cap} bytes arrive. */
    private static final class CappedOutput extends ByteArrayOutputStream {
        private final int cap;

        CappedOutput(int cap) {
            this.cap = cap;
        }

        @Override
        public synchronized void write(int b) {
            if (count + 1 > cap) throw new UncheckedOverflow();
            super.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            if (count + len > cap) throw new UncheckedOverflow();
            super.write(b, off, len);
        }
    }

    // ByteArrayOutputStream's writes cannot throw checked exceptions.
    private static final class UncheckedOverflow extends RuntimeException {
        UncheckedOverflow() { super("over cap", null, false, false); }
    }
}
