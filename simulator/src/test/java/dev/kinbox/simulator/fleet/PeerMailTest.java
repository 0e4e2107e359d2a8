package dev.kinbox.simulator.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.actors.mail.EventStamp;
import dev.kinbox.actors.mail.IncomingResult;
import dev.kinbox.actors.mail.MailAutocrypt;
import dev.kinbox.actors.mail.MailProcessingException;
import dev.kinbox.actors.mail.MailSettings;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.KeyEvent.AccountKeyCreated;
import dev.kinbox.persistence.PeerEvent.PeerAutocryptSeen;
import dev.kinbox.persistence.PeerEvent.PeerGossipSeen;
import dev.kinbox.persistence.crdt.Bytes;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.simulator.workload.Change;
import dev.kinbox.simulator.workload.Change.GossipMail.Damage;
import dev.kinbox.simulator.workload.Change.GossipMail.Recipient;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A peer's gossip mail as a device of the account reads it: through {@link MailAutocrypt#onIncoming}, as the fleet hands it over. */
class PeerMailTest {
    private static final String ACCOUNT = "sim0@peermail.test.invalid";
    private static final String DEVICE = "00000000000000d1";
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Crypto CRYPTO = Crypto.standard();
    private static PeerMail peers;
    private static OpenPGPKey accountKey;
    private static AccountState account;

    @BeforeAll
    static void keys() throws Exception {
        peers = new PeerMail(CRYPTO, Clock.systemUTC());
        accountKey = CRYPTO.generateKey("<" + ACCOUNT + ">");
        account = AccountState.EMPTY.apply(new AccountKeyCreated(new Dot(DEVICE, 1), new Hlc(0, 0, DEVICE), Crypto.fingerprint(accountKey),
                Bytes.of(accountKey.getEncoded())));
    }

    private static IncomingResult read(byte[] raw) throws MailProcessingException {
        MailAutocrypt mail = new MailAutocrypt(CRYPTO, Clock.systemUTC(), MailSettings.of(ACCOUNT));
        long[] seq = {1};
        EventStamp stamp = new EventStamp() {
            @Override public Dot nextDot() { return new Dot(DEVICE, ++seq[0]); }
            @Override public Hlc now() { return new Hlc(NOW.toEpochMilli(), (int) seq[0], DEVICE); }
        };
        return mail.onIncoming(raw, NOW, account, mail.accountKeys(account), stamp);
    }

    private static Change.GossipMail mail(Damage damage) {
        return new Change.GossipMail(1, 1, true, List.of(new Recipient(0, 0), new Recipient(3, 1)), damage);
    }

    private static byte[] raw(Change.GossipMail g) throws Exception {
        return peers.gossipMail(g, ACCOUNT, accountKey.toCertificate(), NOW);
    }

    @Test
    void gossipMail_openedWithTheAccountKey_givesTheSendersHeaderAndGossipForEveryOtherRecipient() throws Exception {
        IncomingResult r = read(raw(mail(Damage.NONE)));
        assertEquals(Crypto.fingerprint(accountKey), r.decryptedWith().orElseThrow(), r.notes().toString());
        Map<String, String> gossip = r.events().stream().filter(e -> e instanceof PeerGossipSeen).map(e -> (PeerGossipSeen) e)
                .collect(Collectors.toMap(PeerGossipSeen::address, PeerGossipSeen::fingerprint));
        assertEquals(Map.of(PeerMail.address(0), Crypto.fingerprint(peers.key(0, 0)), PeerMail.address(3), Crypto.fingerprint(peers.key(3, 1))),
                gossip, "gossip about the account itself is never recorded; every other recipient's is");
        List<AccountEvent> header = r.events().stream().filter(e -> e instanceof PeerAutocryptSeen).toList();
        assertEquals(1, header.size(), r.events().toString());
        assertEquals(Crypto.fingerprint(peers.key(1, 1)), ((PeerAutocryptSeen) header.get(0)).fingerprint());
    }

    @Test
    void gossipMail_encryptedToAKeyTheAccountDoesNotHold_givesOnlyTheOuterHeader() throws Exception {
        IncomingResult r = read(raw(mail(Damage.UNDECRYPTABLE)));
        assertTrue(r.decryptedWith().isEmpty(), r.toString());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("not to any account key")), r.notes().toString());
        assertTrue(r.events().stream().noneMatch(e -> e instanceof PeerGossipSeen), r.events().toString());
        assertEquals(1, r.events().size(), "Level 1 still records the sender's header: " + r.events());
    }

    @Test
    void gossipMail_altered_isRefusedWhole() throws Exception {
        byte[] intact = raw(mail(Damage.NONE));
        byte[] altered = PeerMail.altered(intact);
        int changed = 0;
        for (int i = 0; i < intact.length; i++) if (intact[i] != altered[i]) changed++;
        assertEquals(1, changed, "one character changed");
        assertThrows(MailProcessingException.Malformed.class, () -> read(altered));
        assertThrows(MailProcessingException.Malformed.class, () -> read(raw(mail(Damage.MALFORMED))));
    }
}
