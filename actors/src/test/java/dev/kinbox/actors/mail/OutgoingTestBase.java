package dev.kinbox.actors.mail;

import static dev.kinbox.actors.mail.Fixtures.CLOCK;
import static dev.kinbox.actors.mail.Fixtures.CRYPTO;
import static dev.kinbox.actors.mail.Fixtures.NOW;

import dev.kinbox.actors.mail.Fixtures.Device;
import dev.kinbox.crypto.AutocryptHeader;
import dev.kinbox.persistence.AccountState;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.BeforeAll;

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
