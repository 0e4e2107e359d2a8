package dev.kinbox.actors.remailer;

import dev.kinbox.crypto.Crypto;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.BCPGInputStream;
import org.bouncycastle.bcpg.PacketTags;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/** A list with keys generated in-test, a settable clock, and mail builders. */
final class ListFixture {
    static final String LIST = "friends@kinbox.test";

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant start) { now = start; }

        void advance(Duration d) { now = now.plus(d); }

        @Override public ZoneId getZone() { return ZoneOffset.UTC; }

        @Override public Clock withZone(ZoneId zone) { return this; }

        @Override public Instant instant() { return now; }
    }

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T08:00:00Z"));
    final Crypto crypto = new Crypto(clock, new SecureRandom());
    final OpenPGPKey listKey;
    final RemailerPipeline pipeline;
    private int counter;

    ListFixture() throws Exception {
        // keys are created a minute in the past so that mail "now" finds them valid
        clock.advance(Duration.ofMinutes(-1));
        listKey = crypto.generateKey("<" + LIST + ">");
        clock.advance(Duration.ofMinutes(1));
        pipeline = new RemailerPipeline(crypto, listKey, clock);
    }

    OpenPGPKey key(String addr) throws Exception {
        clock.advance(Duration.ofMinutes(-1));
        try {
            return crypto.generateKey("<" + addr + ">");
        } finally {
            clock.advance(Duration.ofMinutes(1));
        }
    }

    String autocrypt(String addr, OpenPGPKey key) throws Exception {
        return crypto.autocrypt().formatHeader(addr, key.toCertificate(), false);
    }

    private String head(String from, String subject, String autocrypt) {
        StringBuilder sb = new StringBuilder();
        sb.append("From: ").append(from).append("\r\nTo: ").append(LIST).append("\r\nSubject: ").append(subject)
                .append("\r\nDate: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().atOffset(ZoneOffset.UTC)))
                .append("\r\nMessage-ID: <m").append(++counter).append('.').append(clock.instant().toEpochMilli()).append("@sender.test>\r\n");
        if (autocrypt != null) sb.append("Autocrypt: ").append(autocrypt).append("\r\n");
        return sb.append("MIME-Version: 1.0\r\n").toString();
    }

    byte[] plain(String from, String subject, String body, String autocrypt) {
        return (head(from, subject, autocrypt) + "Content-Type: text/plain; charset=us-ascii\r\n\r\n" + body + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    byte[] command(String from, String subject, String autocrypt) {
        return plain(from, subject, "", autocrypt);
    }

    /** A PGP/MIME post whose inner text is {@code secret}, encrypted to the list key only and signed by the sender. */
    byte[] encrypted(String from, OpenPGPKey sender, String secret, String autocrypt) throws Exception {
        byte[] inner = ("Content-Type: text/plain; charset=us-ascii\r\n\r\n" + secret + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] armored = crypto.encryptAndSign(inner, List.of(listKey.toCertificate()), List.of(sender), true);
        return pgpMime(from, armored, autocrypt);
    }

    byte[] pgpMime(String from, byte[] armored, String autocrypt) {
        String b = "b0undary";
        return (head(from, "...", autocrypt) + "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\""
                + b + "\"\r\n\r\n--" + b + "\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n--" + b
                + "\r\nContent-Type: application/octet-stream\r\n\r\n"
                + new String(armored, StandardCharsets.US_ASCII).replace("\r\n", "\n").replace("\n", "\r\n")
                + "\r\n--" + b + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A roster with the given subscribers; those with a key have it collected from their own subscribe mail. */
    Roster roster(ListSettings settings, List<String> addrs, List<OpenPGPKey> keys) throws Exception {
        Roster r = Roster.empty(settings);
        for (int i = 0; i < addrs.size(); i++) {
            OpenPGPKey k = keys.get(i);
            PostOutcome o = pipeline.process(r, command(addrs.get(i), "subscribe", k == null ? null : autocrypt(addrs.get(i), k)));
            r = r.applyAll(o.events());
        }
        return r;
    }

    // ---- reading list mail back ----

    static MimeMessage mime(byte[] raw) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
    }

    /** The armored OpenPGP part of a PGP/MIME mail. */
    static byte[] armoredPart(byte[] raw) throws Exception {
        Multipart mp = (Multipart) mime(raw).getContent();
        try (InputStream in = mp.getBodyPart(1).getInputStream()) {
            return in.readAllBytes();
        }
    }

    /** The encrypted-data packet (tag 18) and everything after it: the part re-wrap must not touch. */
    static byte[] payload(byte[] armored) throws Exception {
        byte[] bin;
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(armored))) {
            bin = in.readAllBytes();
        }
        ByteArrayInputStream raw = new ByteArrayInputStream(bin);
        BCPGInputStream in = new BCPGInputStream(raw);
        while (true) {
            int tag = in.nextPacketTag();
            if (tag == PacketTags.SYM_ENC_INTEGRITY_PRO) {
                int offset = bin.length - raw.available() - 1;
                return java.util.Arrays.copyOfRange(bin, offset, bin.length);
            }
            if (tag < 0) throw new IllegalStateException("no encrypted-data packet");
            in.readPacket();
        }
    }

    /** {@code armored} with one byte of the encrypted payload flipped (session-key packets intact). */
    static byte[] corruptPayload(byte[] armored) throws Exception {
        byte[] bin;
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(armored))) {
            bin = in.readAllBytes();
        }
        bin[bin.length - 10] ^= 0x55;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ArmoredOutputStream a = ArmoredOutputStream.builder().clearHeaders().build(out)) {
            a.write(bin);
        }
        return out.toByteArray();
    }

    static List<String> recipients(List<OutgoingMail> mails) {
        List<String> out = new ArrayList<>();
        for (OutgoingMail m : mails) out.add(m.recipient());
        return out;
    }

    static String text(byte[] raw) {
        return new String(raw, StandardCharsets.UTF_8);
    }
}
