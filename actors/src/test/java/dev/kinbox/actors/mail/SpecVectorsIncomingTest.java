package dev.kinbox.actors.mail;

import static dev.kinbox.actors.mail.Fixtures.CLOCK;
import static dev.kinbox.actors.mail.Fixtures.CRYPTO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.actors.mail.Fixtures.Device;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.KinboxCodec;
import dev.kinbox.persistence.PeerEvent.PeerAutocryptSeen;
import dev.kinbox.persistence.PeerEvent.PeerGossipSeen;
import dev.kinbox.persistence.PeerEvent.PeerMailSeen;
import dev.kinbox.persistence.PeerState;
import dev.kinbox.persistence.PreferEncrypt;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Autocrypt specification's example mails, read by Bob's account (three devices). */
class SpecVectorsIncomingTest {
    static final String BOB = "bob@autocrypt.example";
    static final String ALICE = "alice@autocrypt.example";
    static final String CAROL = "carol@autocrypt.example";
    static final Instant RECEIVED = Instant.parse("2019-02-01T00:00:00Z");
    static final List<String> MAILS = List.of("example-simple-autocrypt.eml", "example-gossip.eml", "example-draft.eml");
    static final MailAutocrypt MAIL = new MailAutocrypt(CRYPTO, CLOCK, MailSettings.of(BOB));

    static OpenPGPKey bobKey;
    static AccountState base;
    static AccountKeys keys;

    @BeforeAll
    static void account() throws Exception {
        bobKey = Fixtures.vectorKey("bob@autocrypt.example.sec.asc");
        base = Fixtures.withKey(AccountState.EMPTY, new Device("00000000000000b0"), bobKey);
        keys = MAIL.accountKeys(base);
    }

    @Test
    void onIncoming_simpleExample_recordsAlicesHeaderAtItsDateHeader() throws Exception {
        IncomingResult r = MAIL.onIncoming(Fixtures.vector("example-simple-autocrypt.eml"), RECEIVED, base, keys,
                new Device("00000000000000d1"));
        assertEquals(ALICE, r.sender());
        assertEquals(1, r.events().size(), r.toString());
        PeerAutocryptSeen e = (PeerAutocryptSeen) r.events().get(0);
        assertEquals(ALICE, e.address());
        assertEquals(Instant.parse("2019-01-22T11:56:25Z").toEpochMilli(), e.effectiveDate());
        assertEquals(PreferEncrypt.MUTUAL, e.preferEncrypt());
        assertEquals(Crypto.fingerprint(Fixtures.vectorKey("alice@autocrypt.example.sec.asc")), e.fingerprint());
        assertTrue(r.decryptedWith().isEmpty());
    }

    @Test
    void onIncoming_gossipExample_decryptsWithBobsKey_andRecordsOnlyCarolsGossip() throws Exception {
        IncomingResult r = MAIL.onIncoming(Fixtures.vector("example-gossip.eml"), RECEIVED, base, keys,
                new Device("00000000000000d1"));
        assertEquals(Crypto.fingerprint(bobKey), r.decryptedWith().orElseThrow());
        List<PeerGossipSeen> gossip = r.events().stream().filter(e -> e instanceof PeerGossipSeen)
                .map(e -> (PeerGossipSeen) e).toList();
        // bob is our own account: his gossiped key is not a peer
        assertEquals(List.of(CAROL), gossip.stream().map(PeerGossipSeen::address).toList());
        assertEquals(Crypto.fingerprint(Fixtures.vectorKey("carol@autocrypt.example.sec.asc")), gossip.get(0).fingerprint());
        assertEquals(Instant.parse("2019-01-22T11:56:29Z").toEpochMilli(), gossip.get(0).effectiveDate());
        assertTrue(r.events().get(0) instanceof PeerAutocryptSeen);
    }

    @Test
    void onIncoming_draftExample_notForUs_onlyMovesAlicesLastSeen() throws Exception {
        AccountState s = base;
        Device d = new Device("00000000000000d1");
        s = Fixtures.applyAll(s, MAIL.onIncoming(Fixtures.vector("example-simple-autocrypt.eml"), RECEIVED, s, keys, d).events());
        IncomingResult r = MAIL.onIncoming(Fixtures.vector("example-draft.eml"), RECEIVED, s, keys, d);
        assertEquals(1, r.events().size());
        PeerMailSeen seen = (PeerMailSeen) r.events().get(0);
        assertEquals(Instant.parse("2019-01-30T17:48:38Z").toEpochMilli(), seen.effectiveDate());
        assertTrue(r.decryptedWith().isEmpty());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("not to any account key")), r.notes().toString());
        PeerState alice = s.apply(seen).peers().get(ALICE);
        assertEquals(seen.effectiveDate(), alice.lastSeen());
        assertEquals(Instant.parse("2019-01-22T11:56:25Z").toEpochMilli(), alice.autocrypt().timestamp());
    }

    @Test
    void onIncoming_sameMailTwice_secondTimeMakesNoEvents() throws Exception {
        Device d = new Device("00000000000000d1");
        byte[] mail = Fixtures.vector("example-gossip.eml");
        AccountState s = Fixtures.applyAll(base, MAIL.onIncoming(mail, RECEIVED, base, keys, d).events());
        IncomingResult again = MAIL.onIncoming(mail, RECEIVED.plusSeconds(60), s, keys, Fixtures.NO_EVENTS);
        assertTrue(again.events().isEmpty());
    }

    @Test
    void onIncoming_specMails_threeDevicesInDifferentOrders_holdTheSameKeyring() throws Exception {
        int[][] orders = {{0, 1, 2}, {2, 1, 0}, {1, 2, 0}};
        String[] ids = {"00000000000000a1", "00000000000000a2", "00000000000000a3"};
        List<AccountState> states = new ArrayList<>();
        List<AccountEvent> everyone = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Device dev = new Device(ids[i]);
            AccountState s = base;
            for (int k : orders[i]) {
                List<AccountEvent> ev = MAIL.onIncoming(Fixtures.vector(MAILS.get(k)), RECEIVED.plusSeconds(k), s, keys, dev).events();
                assertTrue(ev.stream().allMatch(e -> e.origin().equals(dev.id)));
                everyone.addAll(ev);
                s = Fixtures.applyAll(s, ev);
            }
            states.add(s);
        }
        // each device on its own reached the same keyring
        assertEquals(states.get(0).peers(), states.get(1).peers());
        assertEquals(states.get(0).peers(), states.get(2).peers());
        PeerState alice = states.get(0).peers().get(ALICE);
        PeerState carol = states.get(0).peers().get(CAROL);
        assertEquals(Instant.parse("2019-01-30T17:48:38Z").toEpochMilli(), alice.lastSeen());
        assertEquals(PreferEncrypt.MUTUAL, alice.autocrypt().preferEncrypt());
        assertNull(carol.autocrypt());
        assertArrayEquals(Fixtures.vectorKey("carol@autocrypt.example.sec.asc").toCertificate().getFingerprint(),
                CRYPTO.readCertificate(carol.gossip().keydata().toByteArray()).getFingerprint());
        assertFalse(states.get(0).peers().containsKey(BOB));
        // and after exchanging all events, the whole states agree
        KinboxCodec codec = new KinboxCodec();
        byte[] first = null;
        for (AccountState s : states) {
            AccountState merged = Fixtures.applyAll(s, everyone);
            assertEquals(s.peers(), merged.peers());
            byte[] digest = codec.digest(merged);
            if (first == null) first = digest;
            assertArrayEquals(first, digest);
        }
    }
}
