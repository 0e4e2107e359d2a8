package dev.kinbox.actors.mail;

import static dev.kinbox.actors.mail.Fixtures.CLOCK;
import static dev.kinbox.actors.mail.Fixtures.CRYPTO;
import static dev.kinbox.actors.mail.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.actors.mail.Fixtures.Device;
import dev.kinbox.crypto.AutocryptHeader;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.Recommendation;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.PeerEvent.PeerBlockChanged;
import dev.kinbox.persistence.PeerEvent.PeerGossipSeen;
import dev.kinbox.persistence.PeerEvent.PeerKeyVerified;
import dev.kinbox.persistence.PeerEvent.PeerMailSeen;
import dev.kinbox.persistence.SettingsEvent.MailingListSeen;
import dev.kinbox.persistence.crdt.Bytes;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Shared setup of the prepareOutgoing tests: our account, three correspondents, a list. */
abstract class OutgoingTestBase {
    static final String ME = "me@kinbox.test";
    static final String BOB = "bob@peer.test";
    static final String CAROL = "carol@peer.test";
    static final String LIST = "list@lists.test";
    static final MailAutocrypt MAIL = new MailAutocrypt(CRYPTO, CLOCK, MailSettings.of(ME));

    static OpenPGPKey me, bob, carol, list;
    static AccountState base;
    static AccountKeys keys;
    final Device dev = new Device("00000000000000c1");

    @BeforeAll
    static void keys() throws Exception {
        me = CRYPTO.generateKey("<" + ME + ">");
        bob = CRYPTO.generateKey("<" + BOB + ">");
        carol = CRYPTO.generateKey("<" + CAROL + ">");
        list = CRYPTO.generateKey("<" + LIST + ">");
        base = Fixtures.withKey(AccountState.EMPTY, new Device("00000000000000c0"), me);
        keys = MAIL.accountKeys(base);
    }

    OutgoingDecision send(AccountState s, OutgoingPolicy p, String... to) throws Exception {
        return MAIL.prepareOutgoing(Fixtures.draft(ME, List.of(to), List.of(), "hello", NOW), s, keys, p);
    }

    static AutocryptHeader ourHeader(OutgoingDecision d) throws Exception {
        return CRYPTO.autocrypt().parseMail(Fixtures.bytes(d.message()), NOW).header().orElseThrow();
    }
}
