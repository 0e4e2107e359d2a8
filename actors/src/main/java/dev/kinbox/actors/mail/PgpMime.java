package dev.kinbox.actors.mail;

import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;

/** RFC 3156 PGP/MIME shapes: the inner entity to encrypt, and the outer multipart/encrypted. */
final class PgpMime {
    private PgpMime() {}

    /**
     * The body of {@code m} as a standalone MIME entity (its Content-* headers and raw body bytes),
     * with {@code extraHeaders} (name, value) in front, as written before encryption.
     */
    static byte[] innerEntity(MimeMessage m, List<String[]> extraHeaders) throws MessagingException, IOException {
        InternetHeaders h = new InternetHeaders();
        for (String[] x : extraHeaders) h.addHeader(x[0], x[1]);
        boolean typed = false;
        for (Enumeration<Header> e = m.getAllHeaders(); e.hasMoreElements(); ) {
            Header x = e.nextElement();
            if (isContentHeader(x.getName())) {
                h.addHeader(x.getName(), x.getValue());
                typed |= x.getName().equalsIgnoreCase("Content-Type");
            }
        }
        if (!typed) h.addHeader("Content-Type", "text/plain; charset=us-ascii");
        byte[] body;
        try (InputStream in = m.getRawInputStream()) {
            body = in.readAllBytes();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new MimeBodyPart(h, body).writeTo(out);
        return out.toByteArray();
    }

    /** Replaces the body of {@code m} by a multipart/encrypted holding {@code armored}. */
    static void wrap(MimeMessage m, byte[] armored) throws MessagingException {
        List<String> drop = new ArrayList<>();
        for (Enumeration<Header> e = m.getAllHeaders(); e.hasMoreElements(); ) {
            String n = e.nextElement().getName();
            if (isContentHeader(n)) drop.add(n);
        }
        for (String n : drop) m.removeHeader(n);

        InternetHeaders control = new InternetHeaders();
        control.addHeader("Content-Type", "application/pgp-encrypted");
        control.addHeader("Content-Description", "PGP/MIME version identification");
        control.addHeader("Content-Transfer-Encoding", "7bit");
        InternetHeaders data = new InternetHeaders();
        data.addHeader("Content-Type", "application/octet-stream; name=\"encrypted.asc\"");
        data.addHeader("Content-Description", "OpenPGP encrypted message");
        data.addHeader("Content-Disposition", "inline; filename=\"encrypted.asc\"");
        data.addHeader("Content-Transfer-Encoding", "7bit");

        MimeMultipart mp = new MimeMultipart("encrypted");
        mp.addBodyPart(new MimeBodyPart(control, "Version: 1\r\n".getBytes(StandardCharsets.US_ASCII)));
        mp.addBodyPart(new MimeBodyPart(data, armored));
        ContentType ct = new ContentType(mp.getContentType());
        ct.setParameter("protocol", "application/pgp-encrypted");
        m.setContent(mp);
        m.setHeader("Content-Type", ct.toString());
    }

    private static boolean isContentHeader(String name) {
        return name.toLowerCase(Locale.ROOT).startsWith("content-");
    }
}
