package dev.kinbox.actors.mail;

import static dev.kinbox.actors.mail.Fixtures.CLOCK;
import static dev.kinbox.actors.mail.Fixtures.CRYPTO;
import static dev.kinbox.actors.mail.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.actors.mail.Fixtures.Device;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.KinboxCodec;
import dev.kinbox.persistence.PeerEvent.PeerGossipSeen;
import dev.kinbox.persistence.PeerState;
import dev.kinbox.persistence.StateValues.MailingList;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.Example;

/**
 * Our own traffic (five correspondents with generated keys, one rotating its key, group mail with
 * gossip, a list changing its recommendation, Level 1 oddities) read by three devices of one
 * account in random arrival orders: every device holds the same keyring, and after exchanging
 * events the same state digest.
 */
class GeneratedTrafficConvergenceTest {
    static final String ME = "me@kinbox.test";
    static final MailAutocrypt MAIL = new MailAutocrypt(CRYPTO, CLOCK, MailSettings.of(ME));
    static final KinboxCodec CODEC = new KinboxCodec();
    static final String[] DEVICES = {"00000000000000a1", "00000000000000a2", "00000000000000a3"};

    static AccountState base;
    static AccountKeys keys;
    static List<byte[]> traffic;
    static Peer p1, p2, p3, p4, p4rotated, crew;

    static Instant day(int d) {
        return NOW.minusSeconds(86400L * (20 - d));
    }

    @BeforeContainer
    static void traffic() throws Exception {
        var me = CRYPTO.generateKey("<" + ME + ">");
        base = Fixtures.mutual(Fixtures.withKey(AccountState.EMPTY, new Device("00000000000000a0"), me), new Device("00000000000000a0"));
        keys = MAIL.accountKeys(base);
        p1 = new Peer("p1@peer.test", "0000000000000001");
        p2 = new Peer("p2@peer.test", "0000000000000002");
        p3 = new Peer("p3@peer.test", "0000000000000003");
        p4 = new Peer("p4@peer.test", "0000000000000004");
        p4rotated = new Peer("p4@peer.test", "0000000000000005");
        crew = new Peer("crew@lists.test", "0000000000000006");
        Peer[] all = {p1, p2, p3, p4, p4rotated};
        for (Peer p : all) {
            p.knows(ME, me);
            for (Peer q : new Peer[] {p1, p2, p3, p4}) if (!q.addr.equals(p.addr)) p.knows(q.addr, q.key);
        }
        var auto = OutgoingPolicy.Choice.AUTOMATIC;
        var plain = OutgoingPolicy.Choice.PLAIN;
        traffic = new ArrayList<>(List.of(
                p1.write(List.of(ME), List.of(), "plain with header", day(1), plain),
                p1.write(List.of(ME, p2.addr), List.of(), "group, gossip for me and p2", day(2), auto),
                p2.write(List.of(ME), List.of(p3.addr, p4.addr), "group, gossip for p3 and p4", day(3), auto),
                p3.write(List.of(ME, p1.addr), List.of(), "same date, gossip for p1", day(3), auto),
                p4.write(List.of(ME), List.of(), "p4's old key", day(4), plain),
                p4rotated.write(List.of(ME, p3.addr), List.of(), "p4's new key, gossip for p3", day(6), auto),
                p2.write(List.of(p3.addr), List.of(), "not for us: header only", day(7), auto),
                noHeader(p3.addr, day(9)),
                twoHeaders(p1, p4rotated, day(10)),
                listMail("available", "1/3", day(5)),
                listMail("mandatory", "3/3", day(8))));
    }

    static byte[] noHeader(String from, Instant date) throws Exception {
        return Fixtures.bytes(Fixtures.draft(from, List.of(ME), List.of(), "no Autocrypt header", date));
    }

    static byte[] twoHeaders(Peer a, Peer b, Instant date) throws Exception {
        var m = Fixtures.draft(a.addr, List.of(ME), List.of(), "two headers", date);
        m.addHeader("Autocrypt", a.header(true));
        m.addHeader("Autocrypt", a.header(false));
        return Fixtures.bytes(m);
    }

    static byte[] listMail(String rec, String recipients, Instant date) throws Exception {
        var m = Fixtures.draft(crew.addr, List.of(ME), List.of(), "list post", date);
        m.addHeader("List-Id", "<crew.lists.test>");
        m.addHeader("Autocrypt", crew.header(false).replace("keydata=",
                "_list-recommendation=" + rec + "; _list-recipients=" + recipients + "; keydata="));
        return Fixtures.bytes(m);
    }

    record Run(AccountState state, List<AccountEvent> events) {}

    static Run read(List<byte[]> mails, String deviceId) throws MailProcessingException {
        Device dev = new Device(deviceId);
        AccountState s = base;
        List<AccountEvent> out = new ArrayList<>();
        for (byte[] m : mails) {
            List<AccountEvent> ev = MAIL.onIncoming(m, NOW, s, keys, dev).events();
            out.addAll(ev);
            s = Fixtures.applyAll(s, ev);
        }
        return new Run(s, out);
    }

    static Map<String, MailingList> lists(AccountState s) {
        Map<String, MailingList> out = new TreeMap<>();
        s.mailingLists().forEach((k, v) -> out.put(k, v.value()));
        return out;
    }

    @Example
    void inDateOrder_keyringHoldsWhatLevelOneSays() throws Exception {
        AccountState s = read(traffic, DEVICES[0]).state();
        PeerState p4s = s.peers().get(p4.addr);
        assertEquals(Crypto.fingerprint(p4rotated.key), p4s.autocrypt().fingerprint()); // the newer key won
        PeerState p3s = s.peers().get(p3.addr);
        assertEquals(day(9).toEpochMilli(), p3s.lastSeen()); // the header-less mail moved last_seen only
        assertEquals(day(3).toEpochMilli(), p3s.autocrypt().timestamp());
        assertEquals(Crypto.fingerprint(p3.key), p3s.gossip().fingerprint()); // gossiped by p2 and by p4
        assertEquals(day(6).toEpochMilli(), p3s.gossip().timestamp());
        assertEquals(day(10).toEpochMilli(), s.peers().get(p1.addr).lastSeen()); // two headers: sighting only
        assertEquals(day(2).toEpochMilli(), s.peers().get(p1.addr).autocrypt().timestamp());
        assertNotNull(s.peers().get(p1.addr).gossip()); // from p3's mail
        assertEquals("mandatory", lists(s).get(crew.addr).recommendation());
        assertTrue(!s.peers().containsKey(ME));
    }

    @Property(tries = 25)
    void anyArrivalOrder_threeDevices_sameKeyring_andSameDigestAfterExchange(@ForAll Random random) throws Exception {
        List<Run> runs = new ArrayList<>();
        List<AccountEvent> everyone = new ArrayList<>();
        for (String id : DEVICES) {
            List<byte[]> order = new ArrayList<>(traffic);
            Collections.shuffle(order, random);
            Run r = read(order, id);
            runs.add(r);
            everyone.addAll(r.events());
        }
        AccountState reference = read(traffic, "00000000000000ff").state();
        for (Run r : runs) {
            assertEquals(reference.peers(), r.state().peers());
            assertEquals(lists(reference), lists(r.state()));
        }
        Collections.shuffle(everyone, random);
        byte[] first = null;
        for (Run r : runs) {
            AccountState merged = Fixtures.applyAll(r.state(), everyone);
            assertEquals(reference.peers(), merged.peers());
            // an older list mail is never stamped after a newer one on the same device, so the
            // list register's latest stamp carries the newest recommendation after the exchange
            assertEquals(lists(reference), lists(merged));
            byte[] d = CODEC.digest(merged);
            if (first == null) first = d;
            assertArrayEquals(first, d);
        }
    }

    @Property(tries = 300)
    void mutatedMail_givesEventsOrTypedError_neverAnythingElse(@ForAll long seed) {
        Random r = new Random(seed);
        byte[] m = traffic.get(r.nextInt(traffic.size())).clone();
        int edits = 1 + r.nextInt(8);
        for (int i = 0; i < edits; i++) {
            int at = r.nextInt(m.length);
            switch (r.nextInt(3)) {
                case 0 -> m[at] = (byte) r.nextInt(256);
                case 1 -> m = java.util.Arrays.copyOf(m, Math.max(1, at));
                default -> m[at] = "\r\n:;=-<>\"".getBytes(StandardCharsets.US_ASCII)[r.nextInt(9)];
            }
        }
        int[] stamped = {0};
        EventStamp counting = new EventStamp() {
            final Device d = new Device("00000000000000a9");
            @Override public Dot nextDot() { stamped[0]++; return d.nextDot(); }
            @Override public Hlc now() { return d.now(); }
        };
        try {
            IncomingResult res = MAIL.onIncoming(m, NOW, base, keys, counting);
            assertEquals(res.events().size(), stamped[0]);
        } catch (MailProcessingException e) {
            assertEquals(0, stamped[0], "a failed mail made events");
        }
    }

    @Example
    void groupMail_gossipIsOnlyForRecipients_andNeverForUs() throws Exception {
        List<AccountEvent> ev = read(List.of(traffic.get(2)), DEVICES[1]).events();
        List<String> gossiped = ev.stream().filter(e -> e instanceof PeerGossipSeen).map(e -> ((PeerGossipSeen) e).address()).sorted().toList();
        assertEquals(List.of(p3.addr, p4.addr), gossiped);
    }
}
