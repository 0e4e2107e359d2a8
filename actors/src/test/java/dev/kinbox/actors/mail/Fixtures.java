package dev.kinbox.actors.mail;

import static org.junit.jupiter.api.Assertions.fail;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.KeyEvent.AccountKeyCreated;
import dev.kinbox.persistence.KeyEvent.AccountKeyRevoked;
import dev.kinbox.persistence.PeerEvent;
import dev.kinbox.persistence.PreferEncrypt;
import dev.kinbox.persistence.SettingsEvent.SettingChanged;
import dev.kinbox.persistence.crdt.Bytes;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.persistence.crdt.HybridClock;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/** Shared test fixtures: a fixed clock, devices that stamp events, accounts with keys, mails. */
final class Fixtures {
    static final Instant NOW = Instant.parse("2026-11-01T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    // keys differ per run: tests must not depend on fingerprint order
    static final Crypto CRYPTO = new Crypto(CLOCK, new SecureRandom());

    private Fixtures() {}

    /** A device: its id, a sequence counter and a hybrid clock, as the MUAA would supply. */
    static final class Device implements EventStamp {
        final String id;
        private final HybridClock clock;
        private long seq;

        Device(String id) {
            this.id = id;
            this.clock = new HybridClock(CLOCK, id);
        }

        @Override public Dot nextDot() { return new Dot(id, ++seq); }
        @Override public Hlc now() { return clock.now(); }
    }

    /** A stamp that fails the test when any event is made. */
    static final EventStamp NO_EVENTS = new EventStamp() {
        @Override public Dot nextDot() { return fail("no event may be made"); }
        @Override public Hlc now() { return fail("no event may be made"); }
    };

    static byte[] vector(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/autocrypt/" + name)) {
            if (in == null) throw new IllegalStateException("missing vector " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static OpenPGPKey vectorKey(String name) throws CryptoException {
        return CRYPTO.readKey(vector(name));
    }

    /** {@code state} with {@code key} added as an account key by {@code dev}. */
    static AccountState withKey(AccountState state, Device dev, OpenPGPKey key) throws IOException {
        return state.apply(new AccountKeyCreated(dev.nextDot(), dev.now(), Crypto.fingerprint(key), Bytes.of(key.getEncoded())));
    }

    static AccountState revoke(AccountState state, Device dev, OpenPGPKey key) {
        return state.apply(new AccountKeyRevoked(dev.nextDot(), dev.now(), Crypto.fingerprint(key)));
    }

    static AccountState mutual(AccountState state, Device dev) {
        return state.apply(new SettingChanged(dev.nextDot(), dev.now(), MailSettings.PREFER_ENCRYPT_SETTING, "mutual"));
    }

    /** {@code state} having seen {@code addr}'s Autocrypt header for {@code key} at {@code date}. */
    static AccountState knows(AccountState state, Device dev, String addr, OpenPGPKey key, boolean mutual, Instant date)
            throws IOException {
        return state.apply(new PeerEvent.PeerAutocryptSeen(dev.nextDot(), dev.now(), addr, date.toEpochMilli(),
                Crypto.fingerprint(key), Bytes.of(key.toCertificate().getEncoded()),
                mutual ? PreferEncrypt.MUTUAL : PreferEncrypt.NOPREFERENCE));
    }

    static AccountState applyAll(AccountState s, List<AccountEvent> events) {
        for (AccountEvent e : events) s = s.apply(e);
        return s;
    }

    /** A plain text draft. */
    static MimeMessage draft(String from, List<String> to, List<String> cc, String text, Instant date) throws Exception {
        MimeMessage m = new MimeMessage(Mails.SESSION);
        m.setFrom(new InternetAddress(from));
        for (String t : to) m.addRecipient(Message.RecipientType.TO, new InternetAddress(t));
        for (String c : cc) m.addRecipient(Message.RecipientType.CC, new InternetAddress(c));
        m.setSubject("test");
        m.setSentDate(Date.from(date));
        m.setText(text, "utf-8");
        return m;
    }

    static byte[] bytes(MimeMessage m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toByteArray();
    }
}
