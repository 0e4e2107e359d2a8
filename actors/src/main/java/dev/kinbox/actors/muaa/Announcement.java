package dev.kinbox.actors.muaa;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.crypto.Decrypted;
import dev.kinbox.journal.Keyring;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.sma.SmaFormatException;
import dev.kinbox.journal.sma.SmaHeader;
import dev.kinbox.journal.sma.SmaMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * A device's public self-description in {@code _Autocrypt_SMA} (docs/PROTOCOL.md, "Announcements"):
 * signed by the device key, not encrypted. The device id is the last 16 hex digits of the
 * certificate's fingerprint, so an announcement is self-certifying: a reader checks the id against
 * the certificate and the signature against that certificate.
 *
 * @param deviceId    16 lowercase hex digits
 * @param certificate the device certificate (binary OpenPGP)
 * @param name        coarse device name (1-100 characters)
 * @param activeAt    when the device announced, epoch millis
 */
public record Announcement(String deviceId, byte[] certificate, String name, long activeAt) {
    static final String MAGIC = "Kinbox-Announce: 1";
    static final int MAX_BODY = 64 * 1024;

    public Announcement {
        if (name == null || name.isBlank() || name.length() > 100) throw new IllegalArgumentException("device name must be 1-100 characters");
        if (activeAt < 0) throw new IllegalArgumentException("activeAt must not be negative");
        certificate = certificate.clone();
    }

    @Override public byte[] certificate() { return certificate.clone(); }

    /** The announcement of {@code deviceKey}'s device. */
    static Announcement of(OpenPGPKey deviceKey, String name, long activeAt) {
        OpenPGPCertificate cert = deviceKey.toCertificate();
        return new Announcement(Keyring.deviceIdOf(cert), encode(cert), name, activeAt);
    }

    /** The header: {@code v=1; kind=announce; device=<id>; active=<epoch millis>}. */
    SmaHeader header() {
        return SmaHeader.of(SmaHeader.Kind.ANNOUNCE, deviceId, Map.of("active", Long.toString(activeAt)));
    }

    /** The signed message, ready to append to {@code _Autocrypt_SMA}. */
    NewMessage toMessage(OpenPGPKey deviceKey, Crypto crypto, Clock clock) throws CryptoException {
        byte[] signed = crypto.encryptAndSign(plaintext(), List.of(), List.of(deviceKey), false);
        return SmaMessage.build(header(), signed, clock);
    }

    private byte[] plaintext() {
        String text = MAGIC + "\n"
                + "Device: " + deviceId + "\n"
                + "Name: " + Base64.getUrlEncoder().withoutPadding().encodeToString(name.getBytes(StandardCharsets.UTF_8)) + "\n"
                + "Active: " + activeAt + "\n"
                + "Certificate: " + Base64.getEncoder().encodeToString(certificate) + "\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads and verifies a fully fetched announcement: well-formed header and body, the body's fields
     * equal to the header's, the id derived from the certificate, a valid signature by it.
     */
    static Announcement verify(StoredMessage m, Crypto crypto) throws SmaFormatException {
        SmaHeader h = SmaMessage.header(m);
        if (h.kind() != SmaHeader.Kind.ANNOUNCE) throw new SmaFormatException("not an announcement");
        byte[] body = SmaMessage.body(m, MAX_BODY);
        try {
            Decrypted unverified = crypto.decryptAndVerify(body, List.of(), List.of());
            Announcement a = parse(new String(unverified.plaintext(), StandardCharsets.UTF_8));
            if (!a.deviceId.equals(h.device()) || !Long.toString(a.activeAt).equals(h.require("active"))) {
                throw new SmaFormatException("announcement body does not match its header");
            }
            OpenPGPCertificate cert = crypto.readCertificate(a.certificate);
            if (!Keyring.deviceIdOf(cert).equals(a.deviceId)) throw new SmaFormatException("device id is not the certificate's");
            Crypto.requireSigned(crypto.decryptAndVerify(body, List.of(), List.of(cert)), cert);
            return a;
        } catch (CryptoException e) {
            throw new SmaFormatException("announcement does not verify: " + e.getMessage());
        }
    }

    private static Announcement parse(String text) throws SmaFormatException {
        String[] lines = text.split("\n", -1);
        if (lines.length != 6 || !lines[0].equals(MAGIC) || !lines[5].isEmpty()) throw new SmaFormatException("malformed announcement body");
        try {
            String id = field(lines[1], "Device");
            String name = new String(Base64.getUrlDecoder().decode(field(lines[2], "Name")), StandardCharsets.UTF_8);
            long active = Long.parseLong(field(lines[3], "Active"));
            byte[] cert = Base64.getDecoder().decode(field(lines[4], "Certificate"));
            return new Announcement(id, cert, name, active);
        } catch (IllegalArgumentException e) {
            throw new SmaFormatException("malformed announcement body: " + e.getMessage());
        }
    }

    private static String field(String line, String name) throws SmaFormatException {
        if (!line.startsWith(name + ": ")) throw new SmaFormatException("announcement body lacks " + name);
        return line.substring(name.length() + 2);
    }

    static byte[] encode(OpenPGPCertificate cert) {
        try {
            return (cert instanceof OpenPGPKey k ? k.toCertificate() : cert).getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException("certificate cannot be encoded", e);
        }
    }

    @Override public boolean equals(Object o) {
        return o instanceof Announcement a && a.deviceId.equals(deviceId) && java.util.Arrays.equals(a.certificate, certificate)
                && a.name.equals(name) && a.activeAt == activeAt;
    }

    @Override public int hashCode() { return deviceId.hashCode() * 31 + Long.hashCode(activeAt); }

    @Override public String toString() { return "Announcement[" + deviceId + ", " + name + ", active " + activeAt + "]"; }
}
