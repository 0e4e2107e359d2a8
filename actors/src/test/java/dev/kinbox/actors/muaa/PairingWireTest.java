package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.Keyring;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaFormatException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.Test;

/** The wire pieces of pairing version 2: the request's version, the note a device keeps for itself, the done body. */
class PairingWireTest {
    private static final Crypto CRYPTO = Crypto.standard();

    @Test void requestOfAnotherProtocolVersion_isRefusedWithTheVersionNamed() throws Exception {
        OpenPGPKey key = CRYPTO.generateKey("<old@kinbox.invalid>");
        String text = "Kinbox-Pair-Request: 1\nMethod: code\nName: " + Base64.getUrlEncoder().withoutPadding().encodeToString("old".getBytes())
                + "\nDevice: " + Base64.getEncoder().encodeToString(Announcement.encode(key.toCertificate())) + "\nOffer: -\n";
        byte[] body = CRYPTO.encryptAndSign(text.getBytes(StandardCharsets.UTF_8), List.of(), List.of(key), false);
        SmaFormatException e = assertThrows(SmaFormatException.class,
                () -> PairRequestBody.verify(body, Keyring.deviceIdOf(key.toCertificate()), CRYPTO));
        assertTrue(e.getMessage().contains("Kinbox-Pair-Request: 2"), e.getMessage());
    }

    @Test void note_opensOnlyForItsAuthor_andNotAfterItsBodyChanged() throws Exception {
        OpenPGPKey own = CRYPTO.generateKey("<own@kinbox.invalid>"), other = CRYPTO.generateKey("<other@kinbox.invalid>");
        String self = Keyring.deviceIdOf(own.toCertificate());
        PairingNote note = new PairingNote(PairingNote.Role.NEW, "0123456789abcdef0123456789abcdef", "fedcba9876543210", 42L,
                "the ack".getBytes(), new byte[0]);
        MemoryMailStore store = new MemoryMailStore();
        String folder = SmaFolders.deviceFolder(self);
        store.createFolder(folder);
        store.append(folder, note.toMessage(self, own, CRYPTO, Clock.systemUTC()));
        StoredMessage m = store.fetch(folder, new UidRange(1, 1), dev.kinbox.journal.mail.Fetch.FULL).get(0);

        PairingNote back = PairingNote.open(m, self, own, CRYPTO);
        assertEquals(note.session(), back.session());
        assertEquals(note.peer(), back.peer());
        assertEquals(42L, back.deadline());
        assertArrayEquals("the ack".getBytes(), back.first());
        assertThrows(SmaFormatException.class, () -> PairingNote.open(m, Keyring.deviceIdOf(other.toCertificate()), other, CRYPTO),
                "another device cannot take it for its own");
        StoredMessage changed = new StoredMessage(m.uid(), m.flags(), m.size(), m.headers(), flipOneBase64(m.body()));
        assertThrows(SmaFormatException.class, () -> PairingNote.open(changed, self, own, CRYPTO), "a changed body does not open");
    }

    @Test void doneBody_verifiesOnlyFromTheExistingDevice_forThisSessionAndDevice() throws Exception {
        OpenPGPKey existing = CRYPTO.generateKey("<e@kinbox.invalid>"), fresh = CRYPTO.generateKey("<n@kinbox.invalid>");
        OpenPGPKey mallory = CRYPTO.generateKey("<m@kinbox.invalid>");
        DoneBody done = new DoneBody("0123456789abcdef0123456789abcdef", "0123456789abcdef");
        byte[] genuine = done.seal(CRYPTO, existing, fresh.toCertificate());
        assertTrue(done.verifies(genuine, CRYPTO, fresh, existing.toCertificate()));
        assertFalse(done.verifies(done.seal(CRYPTO, mallory, fresh.toCertificate()), CRYPTO, fresh, existing.toCertificate()), "signed by another key");
        assertFalse(new DoneBody("ffffffffffffffffffffffffffffffff", "0123456789abcdef").verifies(genuine, CRYPTO, fresh, existing.toCertificate()),
                "another session");
        assertFalse(done.verifies("garbage".getBytes(), CRYPTO, fresh, existing.toCertificate()));
    }

    // flips one base64 character in the middle of the body (still base64, other bytes)
    private static byte[] flipOneBase64(byte[] body) {
        byte[] b = body.clone();
        for (int i = b.length / 2; i < b.length; i++) {
            if (b[i] >= 'A' && b[i] <= 'Y') {
                b[i]++;
                return b;
            }
        }
        throw new AssertionError("no base64 letter to change");
    }
}
