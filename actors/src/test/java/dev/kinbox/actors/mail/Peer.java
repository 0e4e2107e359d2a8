package dev.kinbox.actors.mail;

import static dev.kinbox.actors.mail.Fixtures.CLOCK;
import static dev.kinbox.actors.mail.Fixtures.CRYPTO;

import dev.kinbox.actors.mail.Fixtures.Device;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.persistence.AccountState;
import jakarta.mail.internet.MimeMessage;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/** A correspondent with its own generated key and account state, writing mail with this package. */
final class Peer {
    final String addr;
    final OpenPGPKey key;
    final MailAutocrypt mail;
    final Device dev;
    AccountState state;

    Peer(String addr, String deviceId) throws Exception {
        this.addr = addr;
        this.key = CRYPTO.generateKey("<" + addr + ">");
        this.mail = new MailAutocrypt(CRYPTO, CLOCK, MailSettings.of(addr));
        this.dev = new Device(deviceId);
        this.state = Fixtures.mutual(Fixtures.withKey(AccountState.EMPTY, dev, key), dev);
    }

    /** This peer has seen {@code other}'s mutual Autocrypt header. */
    Peer knows(String other, OpenPGPKey otherKey) throws Exception {
        return knows(other, otherKey, Fixtures.NOW.minusSeconds(86400));
    }

    /** As {@link #knows(String, OpenPGPKey)}, from a mail dated {@code date} (a later date replaces the key). */
    Peer knows(String other, OpenPGPKey otherKey, Instant date) throws Exception {
        state = Fixtures.knows(state, dev, other, otherKey, true, date);
        return this;
    }

    /** A mail from this peer, prepared by {@link MailAutocrypt#prepareOutgoing}, as wire bytes. */
    byte[] write(List<String> to, List<String> cc, String text, Instant date, OutgoingPolicy.Choice choice) throws Exception {
        MimeMessage draft = Fixtures.draft(addr, to, cc, text, date);
        OutgoingDecision d = mail.prepareOutgoing(draft, state, mail.accountKeys(state), new OutgoingPolicy(choice, false));
        return Fixtures.bytes(d.message());
    }

    String header(boolean mutual) throws CryptoException {
        return CRYPTO.autocrypt().formatHeader(addr, key.toCertificate(), mutual);
    }
}
