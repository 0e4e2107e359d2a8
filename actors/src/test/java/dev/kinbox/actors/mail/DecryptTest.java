package dev.kinbox.actors.mail;

import static dev.kinbox.actors.mail.Fixtures.CLOCK;
import static dev.kinbox.actors.mail.Fixtures.CRYPTO;
import static dev.kinbox.actors.mail.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.actors.mail.DecryptedMail.Signature;
import dev.kinbox.actors.mail.Fixtures.Device;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.PeerEvent.PeerKeyVerified;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** decrypt: any held account key, current or rotated away; signature against the sender's known keys. */
class DecryptTest {
    static final String ME = "me@kinbox.test";
    static final MailAutocrypt MAIL = new MailAutocrypt(CRYPTO, CLOCK, MailSettings.of(ME));

    static OpenPGPKey oldKey, newKey;
    static Peer bob;
    static byte[] toOldKey, toNewKey;
    static AccountState rotated;
    static AccountKeys rotatedKeys;
    static final Device dev = new Device("00000000000000e1");

    @BeforeAll
    static void traffic() throws Exception {
        oldKey = CRYPTO.generateKey("<" + ME + ">");
        newKey = CRYPTO.generateKey("<" + ME + ">");
        bob = new Peer("bob@peer.test", "00000000000000b1");
        bob.knows(ME, oldKey);
        toOldKey = bob.write(List.of(ME), List.of(), "sent to the old key", NOW, OutgoingPolicy.Choice.AUTOMATIC);
        bob.knows(ME, newKey, NOW); // a later header than the old key's: bob switches
        toNewKey = bob.write(List.of(ME), List.of(), "sent to the new key", NOW, OutgoingPolicy.Choice.AUTOMATIC);
        // the old key, then the new one (later HLC), then the old one revoked
        AccountState s = Fixtures.withKey(AccountState.EMPTY, dev, oldKey);
        s = Fixtures.withKey(s, dev, newKey);
        rotated = Fixtures.revoke(s, dev, oldKey);
        rotated = Fixtures.knows(rotated, dev, bob.addr, bob.key, true, NOW);
        rotatedKeys = MAIL.accountKeys(rotated);
    }

    @Test
    void accountKeys_afterRotation_currentIsNewKey_oldKeyStillHeldAndRevoked() {
        assertEquals(Crypto.fingerprint(newKey), rotatedKeys.current().orElseThrow().fingerprint());
        assertEquals(2, rotatedKeys.all().size());
        assertTrue(rotatedKeys.all().stream().anyMatch(k -> k.fingerprint().equals(Crypto.fingerprint(oldKey)) && k.revoked()));
        assertFalse(rotatedKeys.toString().contains("BEGIN PGP"));
    }

    @Test
    void decrypt_mailToRotatedOldKey_opensWithIt_andReportsItAsNotCurrent() throws Exception {
        DecryptedMail d = MAIL.decrypt(toOldKey, rotated, rotatedKeys);
        assertEquals(Crypto.fingerprint(oldKey), d.decryptedWith());
        assertFalse(d.currentKey());
        assertTrue(d.revokedKey());
        assertTrue(new String(d.entity(), StandardCharsets.UTF_8).contains("sent to the old key"));
        assertEquals(Signature.VERIFIED, d.signature());
        assertEquals(Crypto.fingerprint(bob.key), d.signer().orElseThrow());
        assertFalse(d.signerUserVerified());
    }

    @Test
    void decrypt_mailToCurrentKey_reportsCurrent() throws Exception {
        DecryptedMail d = MAIL.decrypt(toNewKey, rotated, rotatedKeys);
        assertEquals(Crypto.fingerprint(newKey), d.decryptedWith());
        assertTrue(d.currentKey());
        assertFalse(d.revokedKey());
    }

    @Test
    void decrypt_asMimeMessage_sameResult() throws Exception {
        var m = new jakarta.mail.internet.MimeMessage(Mails.SESSION, new java.io.ByteArrayInputStream(toOldKey));
        assertEquals(Crypto.fingerprint(oldKey), MAIL.decrypt(m, rotated, rotatedKeys).decryptedWith());
    }

    @Test
    void decrypt_senderUnknownToKeyring_signatureUnverified() throws Exception {
        AccountState noBob = Fixtures.withKey(AccountState.EMPTY, dev, oldKey);
        DecryptedMail d = MAIL.decrypt(toOldKey, noBob, MAIL.accountKeys(noBob));
        assertEquals(Signature.UNVERIFIED, d.signature());
        assertTrue(d.signer().isEmpty());
    }

    @Test
    void decrypt_signerVerifiedByUser_isFlagged() throws Exception {
        AccountState s = rotated.apply(new PeerKeyVerified(dev.nextDot(), dev.now(), bob.addr, Crypto.fingerprint(bob.key)));
        assertTrue(MAIL.decrypt(toNewKey, s, MAIL.accountKeys(s)).signerUserVerified());
    }

    @Test
    void onIncoming_mailToRotatedOldKey_stillReadsIt() throws Exception {
        IncomingResult r = MAIL.onIncoming(toOldKey, NOW, rotated, rotatedKeys, new Device("00000000000000e2"));
        assertEquals(Crypto.fingerprint(oldKey), r.decryptedWith().orElseThrow());
    }

    @Test
    void decrypt_plainMail_notEncrypted() throws Exception {
        byte[] plain = Fixtures.bytes(Fixtures.draft(bob.addr, List.of(ME), List.of(), "plain", NOW));
        assertThrows(MailProcessingException.NotEncrypted.class, () -> MAIL.decrypt(plain, rotated, rotatedKeys));
    }

    @Test
    void decrypt_mailForSomeoneElse_noMatchingKey() throws Exception {
        AccountState other = Fixtures.withKey(AccountState.EMPTY, dev, CRYPTO.generateKey("<x@kinbox.test>"));
        assertThrows(MailProcessingException.NoMatchingKey.class, () -> MAIL.decrypt(toOldKey, other, MAIL.accountKeys(other)));
    }
}
