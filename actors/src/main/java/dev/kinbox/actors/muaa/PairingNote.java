package dev.kinbox.actors.muaa;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.sma.SmaFormatException;
import dev.kinbox.journal.sma.SmaHeader;
import dev.kinbox.journal.sma.SmaMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * What one side of a pairing keeps so that the session outlives a crash of that side (docs/PROTOCOL.md,
 * "Pairing drops", the last step): a message in the device's own folder, header
 * {@code kind=drop; type=pending; session=<sid>; role=new|existing}, body encrypted to and signed by
 * the device's own key, so only the device itself reads or makes it.
 *
 * <p>The existing device keeps (role {@code existing}, before it sends the account keys) the new
 * device's id, its signed request and the ack token ({@code first}, {@code second}); the new device
 * keeps (role {@code new}, after it persisted what it learned) the existing device's id and its
 * {@code ack} body ({@code first}). {@code deadline} (epoch millis of the device's clock) ends the note.
 */
record PairingNote(Role role, String session, String peer, long deadline, byte[] first, byte[] second) {
    enum Role { NEW, EXISTING }

    static final String TYPE = "pending";
    private static final String MAGIC = "Kinbox-Pair-Note: 2";
    private static final int MAX_BODY = PairDrop.MAX_BODY * 2;

    PairingNote {
        first = first.clone();
        second = second.clone();
    }

    @Override public byte[] first() { return first.clone(); }

    @Override public byte[] second() { return second.clone(); }

    /** The message for {@code self}'s own folder, sealed with its key. */
    NewMessage toMessage(String self, OpenPGPKey key, Crypto crypto, Clock clock) throws CryptoException {
        byte[] plain = Frames.join(bytes(MAGIC), bytes(role.name()), bytes(session), bytes(peer), bytes(Long.toString(deadline)), first, second);
        return SmaMessage.build(header(self), crypto.encryptAndSign(plain, List.of(key.toCertificate()), List.of(key), false), clock);
    }

    SmaHeader header(String self) {
        return SmaHeader.of(SmaHeader.Kind.DROP, self, Map.of("type", TYPE, "session", session, "role", role.name().toLowerCase()));
    }

    /** Opens a note of {@code self}'s folder: it must be its own, sealed with its key, and agree with its header. */
    static PairingNote open(StoredMessage m, String self, OpenPGPKey key, Crypto crypto) throws SmaFormatException {
        SmaHeader h = SmaMessage.header(m);
        if (h.kind() != SmaHeader.Kind.DROP || !TYPE.equals(h.attributes().get("type")) || !h.device().equals(self)) {
            throw new SmaFormatException("not this device's pairing note");
        }
        try {
            var d = Crypto.requireSigned(crypto.decryptAndVerify(SmaMessage.body(m, MAX_BODY), List.of(key), List.of(key.toCertificate())),
                    key.toCertificate());
            if (d.decryptedWith() == null) throw new SmaFormatException("pairing note not encrypted");
            List<byte[]> p = Frames.split(d.plaintext(), 7);
            if (!MAGIC.equals(text(p.get(0)))) throw new SmaFormatException("not a pairing note of this version");
            PairingNote n = new PairingNote(Role.valueOf(text(p.get(1))), text(p.get(2)), text(p.get(3)), Long.parseLong(text(p.get(4))),
                    p.get(5), p.get(6));
            if (!n.header(self).equals(h)) throw new SmaFormatException("pairing note does not match its header");
            return n;
        } catch (CryptoException | IllegalArgumentException e) {
            throw new SmaFormatException("pairing note does not open: " + e.getMessage());
        }
    }

    @Override public String toString() { return "PairingNote[" + role + ", " + session + ", " + peer + "]"; }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
