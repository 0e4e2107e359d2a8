package dev.kinbox.actors.muaa;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * The body of a {@code step=done} pairing drop (docs/PROTOCOL.md, "Pairing drops"): the existing
 * device's word that it persisted {@code DevicePaired} for the new device in this session. Text
 * lines {@code Kinbox-Pair-Done: 2}, {@code Session: <sid>}, {@code Device: <new device id>},
 * encrypted to the new device's certificate and signed by the existing device's key.
 */
record DoneBody(String session, String device) {
    private static final String MAGIC = "Kinbox-Pair-Done: 2";

    byte[] seal(Crypto crypto, OpenPGPKey existingKey, OpenPGPCertificate newDevice) throws CryptoException {
        String text = MAGIC + "\nSession: " + session + "\nDevice: " + device + "\n";
        return crypto.encryptAndSign(text.getBytes(StandardCharsets.UTF_8), List.of(newDevice), List.of(existingKey), false);
    }

    /** True only for a body that opens with {@code newKey}, is signed by {@code existing} and names this session and device. */
    boolean verifies(byte[] body, Crypto crypto, OpenPGPKey newKey, OpenPGPCertificate existing) {
        try {
            var d = Crypto.requireSigned(crypto.decryptAndVerify(body, List.of(newKey), List.of(existing)), existing);
            if (d.decryptedWith() == null) return false;
            String expected = MAGIC + "\nSession: " + session + "\nDevice: " + device + "\n";
            return expected.equals(new String(d.plaintext(), StandardCharsets.UTF_8));
        } catch (CryptoException | RuntimeException e) {
            return false;
        }
    }
}
