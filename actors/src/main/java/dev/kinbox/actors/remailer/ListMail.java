package dev.kinbox.actors.remailer;

import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Properties;

/** MIME plumbing of the remailer: bounded parsing, header filtering, and the shapes of list mail. */
final class ListMail {
    static final Session SESSION = Session.getInstance(new Properties());
    static final int MAX_DEPTH = 8;
    static final int MAX_PARTS = 500;
    static final String BOUNDARY = "kinbox-remailer-pgp-mime";

    /** Headers never copied from a post: the sender's keys, trace and signature headers, and what we rewrite. */
    static final String[] STRIPPED = {"Autocrypt", "Autocrypt-Gossip", "Autocrypt-Draft-State", "Return-Path", "Received",
        "DKIM-Signature", "ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results", "Authentication-Results",
        "Delivered-To", "X-Original-To", "List-Id", "List-Post", "List-Unsubscribe", "List-Subscribe", "List-Help",
        "Precedence", "X-Loop", "Sender", "Errors-To", "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
        "Content-Disposition", "Content-Description", "Content-ID", "Bcc"};
    static final String[] CONTENT = {"Content-Type", "Content-Transfer-Encoding", "Content-Disposition",
        "Content-Description", "Content-ID"};

    private ListMail() {}

    /** Thrown inside the package for input that is not a usable mail. */
    static final class BadMail extends Exception {
        BadMail(String message) { super(message, null, false, false); }
    }

    static MimeMessage parse(byte[] raw) throws BadMail {
        try {
            MimeMessage m = new MimeMessage(SESSION, new ByteArrayInputStream(raw));
            walk(m, 0, new int[] {0});
            return m;
        } catch (MessagingException | IOException | RuntimeException e) {
            throw new BadMail("bad MIME: " + clip(e.getMessage()));
        }
    }

    // Jakarta Mail parses lazily: force every multipart once, bounded in depth and count.
    private static void walk(Part p, int depth, int[] count) throws MessagingException, IOException {
        if (++count[0] > MAX_PARTS) throw new MessagingException("more than " + MAX_PARTS + " parts");
        if (depth > MAX_DEPTH) throw new MessagingException("nesting deeper than " + MAX_DEPTH);
        p.getContentType();
        if (p.isMimeType("multipart/*")) {
            if (!(p.getContent() instanceof Multipart mp) || mp.getCount() == 0) throw new MessagingException("empty multipart");
            for (int i = 0; i < mp.getCount(); i++) walk(mp.getBodyPart(i), depth + 1, count);
        }
    }

    /** The single From address, canonical, or null. */
    static String from(MimeMessage m) {
        try {
            Address[] a = m.getFrom();
            if (a != null && a.length == 1 && a[0] instanceof InternetAddress ia && ia.getAddress() != null
                    && ia.getAddress().indexOf('@') > 0 && ia.getAddress().length() <= 254) {
                return ia.getAddress().strip().toLowerCase(Locale.ROOT);
            }
        } catch (MessagingException | RuntimeException e) {
            // nobody to attribute it to
        }
        return null;
    }

    static String header(Part p, String name) {
        try {
            String[] v = p.getHeader(name);
            return v == null || v.length == 0 ? null : MimeUtility.unfold(v[0]).strip();
        } catch (MessagingException | RuntimeException e) {
            return null;
        }
    }

    /** Subject, decoded, single line, at most 200 characters ("" when absent). */
    static String subject(MimeMessage m) {
        try {
            String s = m.getSubject();
            return s == null ? "" : clip(s.replaceAll("[\\r\\n\\t]+", " ").strip());
        } catch (MessagingException | RuntimeException e) {
            return "";
        }
    }

    /** The armored OpenPGP part of an RFC 3156 multipart/encrypted mail, or null when it is not one. */
    static byte[] pgpMimePayload(MimeMessage m) throws BadMail {
        try {
            if (!m.isMimeType("multipart/encrypted")) return null;
            if (!(m.getContent() instanceof Multipart mp) || mp.getCount() != 2
                    || !mp.getBodyPart(0).isMimeType("application/pgp-encrypted")) {
                throw new BadMail("multipart/encrypted must be application/pgp-encrypted + one OpenPGP part");
            }
            try (InputStream in = mp.getBodyPart(1).getInputStream()) {
                return in.readNBytes(ListSettings.MAX_POST_CAP);
            }
        } catch (MessagingException | IOException | RuntimeException e) {
            throw new BadMail("unreadable PGP/MIME: " + clip(e.getMessage()));
        }
    }

    /** The post's header lines that travel with every copy (CRLF-terminated). */
    static String keptHeaders(MimeMessage m) throws BadMail {
        return lines(m, false, STRIPPED);
    }

    private static String lines(MimeMessage m, boolean matching, String[] names) throws BadMail {
        try {
            StringBuilder sb = new StringBuilder();
            Enumeration<String> e = matching ? m.getMatchingHeaderLines(names) : m.getNonMatchingHeaderLines(names);
            while (e.hasMoreElements()) sb.append(e.nextElement()).append("\r\n");
            return sb.toString();
        } catch (MessagingException | RuntimeException e) {
            throw new BadMail("unreadable headers");
        }
    }

    /**
     * The body of a plaintext post with its Content-* headers, minus attached keys
     * ({@code application/pgp-keys} parts of a top-level multipart).
     */
    static byte[] plainBody(MimeMessage m) throws BadMail {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (m.isMimeType("multipart/*") && m.getContent() instanceof Multipart mp && hasKeyPart(mp)) {
                String subtype = new jakarta.mail.internet.ContentType(m.getContentType()).getSubType();
                MimeMultipart kept = new MimeMultipart(subtype);
                for (int i = 0; i < mp.getCount(); i++) {
                    BodyPart bp = mp.getBodyPart(i);
                    if (!bp.isMimeType("application/pgp-keys")) kept.addBodyPart(bp);
                }
                if (kept.getCount() == 0) kept.addBodyPart(textPart("(an attached key was removed by the list)"));
                ascii(out, "Content-Type: " + MimeUtility.fold(14, kept.getContentType()) + "\r\n\r\n");
                kept.writeTo(out);
            } else {
                ascii(out, lines(m, true, CONTENT));
                if (m.getHeader("Content-Type") == null) ascii(out, "Content-Type: text/plain; charset=us-ascii\r\n");
                ascii(out, "\r\n");
                try (InputStream in = m.getRawInputStream()) {
                    in.transferTo(out);
                }
            }
            return out.toByteArray();
        } catch (MessagingException | IOException | RuntimeException e) {
            throw new BadMail("unreadable body: " + clip(e.getMessage()));
        }
    }

    private static boolean hasKeyPart(Multipart mp) throws MessagingException {
        for (int i = 0; i < mp.getCount(); i++) if (mp.getBodyPart(i).isMimeType("application/pgp-keys")) return true;
        return false;
    }

    private static jakarta.mail.internet.MimeBodyPart textPart(String text) throws MessagingException {
        jakarta.mail.internet.MimeBodyPart p = new jakarta.mail.internet.MimeBodyPart();
        p.setText(text, "us-ascii");
        return p;
    }

    /** An RFC 3156 body around an armored OpenPGP message (line ends made CRLF). */
    static byte[] encryptedBody(byte[] armored) {
        String a = new String(armored, StandardCharsets.US_ASCII).replace("\r\n", "\n").replace("\n", "\r\n");
        if (!a.endsWith("\r\n")) a += "\r\n";
        return ("Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\";\r\n boundary=\""
                + BOUNDARY + "\"\r\n\r\nThis is an OpenPGP/MIME encrypted message (RFC 3156).\r\n--" + BOUNDARY
                + "\r\nContent-Type: application/pgp-encrypted\r\nContent-Description: PGP/MIME version identification"
                + "\r\n\r\nVersion: 1\r\n\r\n--" + BOUNDARY
                + "\r\nContent-Type: application/octet-stream; name=\"encrypted.asc\"\r\n"
                + "Content-Disposition: inline; filename=\"encrypted.asc\"\r\n\r\n" + a + "\r\n--" + BOUNDARY + "--\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The list's own headers on every list mail. */
    static String listHeaders(ListSettings s, String autocrypt) {
        StringBuilder sb = new StringBuilder();
        sb.append("List-Id: ").append(s.listId()).append("\r\n");
        sb.append("List-Post: <mailto:").append(s.listAddress()).append(">\r\n");
        sb.append("List-Unsubscribe: <mailto:").append(s.listAddress()).append("?subject=unsubscribe>\r\n");
        sb.append("X-Loop: ").append(s.listAddress()).append("\r\n");
        sb.append("Precedence: list\r\n");
        if (autocrypt != null) sb.append("Autocrypt: ").append(autocrypt).append("\r\n");
        return sb.toString();
    }

    /** A text/plain mail from the list (reply or notice), automatic per RFC 3834. */
    static byte[] textMail(ListSettings s, String to, String subject, String inReplyTo, String messageId, Instant date,
                           String autocrypt, String body) {
        StringBuilder sb = new StringBuilder();
        sb.append("From: ").append(s.listAddress()).append("\r\n");
        sb.append("To: ").append(to).append("\r\n");
        sb.append("Subject: ").append(encode(subject)).append("\r\n");
        sb.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(date.atOffset(ZoneOffset.UTC))).append("\r\n");
        sb.append("Message-ID: ").append(messageId).append("\r\n");
        if (inReplyTo != null && inReplyTo.matches("<[^<>\\s]{1,250}>")) {
            sb.append("In-Reply-To: ").append(inReplyTo).append("\r\nReferences: ").append(inReplyTo).append("\r\n");
        }
        sb.append("Auto-Submitted: auto-replied\r\n");
        sb.append(listHeaders(s, autocrypt));
        sb.append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
        sb.append(body.replace("\r\n", "\n").replace("\n", "\r\n"));
        if (!body.endsWith("\n")) sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A deterministic Message-ID for list-made mail: the same input and purpose give the same ID. */
    static String messageId(ListSettings s, byte[] input, String purpose) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(input);
            d.update(purpose.getBytes(StandardCharsets.UTF_8));
            String h = HexFormat.of().formatHex(d.digest(), 0, 16);
            return "<" + h + "." + s.listAddress().replace('@', '=') + "@" + s.listAddress().substring(s.listAddress().indexOf('@') + 1) + ">";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static byte[] concat(String headers, byte[] body) {
        byte[] h = headers.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[h.length + body.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(body, 0, out, h.length, body.length);
        return out;
    }

    private static String encode(String text) {
        try {
            return MimeUtility.fold(9, MimeUtility.encodeText(text, "utf-8", null));
        } catch (java.io.UnsupportedEncodingException e) {
            return "list notice";
        }
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    static String clip(String s) {
        if (s == null) return "";
        String one = s.replaceAll("[\\r\\n]+", " ");
        return one.length() <= 200 ? one : one.substring(0, 200) + "...";
    }
}
