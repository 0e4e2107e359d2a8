package dev.kinbox.actors.muaa;

import dev.kinbox.actors.muaa.PairingApprover.PairingMethod;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.journal.Keyring;
import dev.kinbox.journal.sma.SmaFormatException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * The body of a {@code step=request} pairing drop: signed (not encrypted) by the requesting device's
 * key; it names the method, the device's name and certificate and, on the QR path, the throwaway
 * key K the QR code names. Self-consistent only: the out-of-band secret authenticates it later.
 */
record PairRequestBody(PairingMethod method, String name, OpenPGPCertificate device, OpenPGPCertificate offer) {
    /** Version 2: the ack is signed by the new device and answered by a {@code done} drop (PROTOCOL.md "Pairing drops"). */
    private static final String MAGIC = "Kinbox-Pair-Request: 2";

    byte[] sign(OpenPGPKey deviceKey, Crypto crypto) throws CryptoException {
        String text = MAGIC + "\n"
                + "Method: " + method.name().toLowerCase(Locale.ROOT) + "\n"
                + "Name: " + Base64.getUrlEncoder().withoutPadding().encodeToString(name.getBytes(StandardCharsets.UTF_8)) + "\n"
                + "Device: " + Base64.getEncoder().encodeToString(Announcement.encode(device)) + "\n"
                + "Offer: " + (offer == null ? "-" : Base64.getEncoder().encodeToString(Announcement.encode(offer))) + "\n";
        return crypto.encryptAndSign(text.getBytes(StandardCharsets.UTF_8), List.of(), List.of(deviceKey), false);
    }

    /** Parses and checks the body of a request from {@code author}: its certificate must be the author's and sign it. */
    static PairRequestBody verify(byte[] body, String author, Crypto crypto) throws SmaFormatException {
        try {
            String[] l = new String(crypto.decryptAndVerify(body, List.of(), List.of()).plaintext(), StandardCharsets.UTF_8).split("\n", -1);
            if (l.length > 0 && l[0].startsWith("Kinbox-Pair-Request: ") && !l[0].equals(MAGIC)) {
                throw new SmaFormatException("another pairing protocol version (this device speaks " + MAGIC + ")");
            }
            if (l.length != 6 || !l[0].equals(MAGIC) || !l[5].isEmpty()) throw new SmaFormatException("malformed pairing request");
            PairingMethod method = switch (field(l[1], "Method")) {
                case "qr" -> PairingMethod.QR;
                case "code" -> PairingMethod.CODE;
                default -> throw new SmaFormatException("unknown pairing method");
            };
            String name = new String(Base64.getUrlDecoder().decode(field(l[2], "Name")), StandardCharsets.UTF_8);
            if (name.isBlank() || name.length() > 100) throw new SmaFormatException("bad device name");
            OpenPGPCertificate device = crypto.readCertificate(Base64.getDecoder().decode(field(l[3], "Device")));
            String offer = field(l[4], "Offer");
            OpenPGPCertificate k = offer.equals("-") ? null : crypto.readCertificate(Base64.getDecoder().decode(offer));
            if ((method == PairingMethod.QR) != (k != null)) throw new SmaFormatException("offer key present exactly on the QR path");
            if (!Keyring.deviceIdOf(device).equals(author)) throw new SmaFormatException("request certificate is not its author's");
            Crypto.requireSigned(crypto.decryptAndVerify(body, List.of(), List.of(device)), device);
            return new PairRequestBody(method, name, device, k);
        } catch (CryptoException | IllegalArgumentException e) {
            throw new SmaFormatException("pairing request does not verify: " + e.getMessage());
        }
    }

    private static String field(String line, String name) throws SmaFormatException {
        if (!line.startsWith(name + ": ")) throw new SmaFormatException("pairing request lacks " + name);
        return line.substring(name.length() + 2);
    }
}
