package dev.kinbox.persistence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.kinbox.persistence.PeerEvent.PeerAutocryptSeen;
import dev.kinbox.persistence.PeerEvent.PeerGossipSeen;
import dev.kinbox.persistence.PeerEvent.PeerMailSeen;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The peer keyring against Autocrypt Level 1, "Updating Autocrypt Peer State": the register CRDT
 * fed in any order must equal the specification's sequential algorithm fed in date order.
 */
class AutocryptPeerStateTest {
    private static final String PEER = "bob@example.org";
    private static final List<String> DEVICES = Histories.DEVICES;

    /** One incoming mail as Level 1 sees it. {@code fp == null}: no (valid) header. */
    record Mail(boolean gossip, Instant date, Instant received, String fp, PreferEncrypt prefer) {
        long effective() {
            // Level 1: the Date header, or the time of first receipt if the header is missing or in the future.
            return (date == null || date.isAfter(received) ? received : date).toEpochMilli();
        }
    }

    /** The specification's sequential algorithm, state of one peer. */
    static final class Level1Peer {
        Long lastSeen, autocryptTimestamp, gossipTimestamp;
        String publicKey, gossipKey;
        PreferEncrypt preferEncrypt;

        void receive(Mail m) {
            long eff = m.effective();
            if (m.gossip) {
                if (gossipTimestamp != null && gossipTimestamp > eff) return;
                gossipTimestamp = eff;
                gossipKey = m.fp;
                return;
            }
            if (autocryptTimestamp != null && eff < autocryptTimestamp) return;
            if (lastSeen == null || eff > lastSeen) lastSeen = eff;
            if (m.fp == null) return;
            autocryptTimestamp = eff;
            publicKey = m.fp;
            preferEncrypt = m.prefer;
        }
    }

    private static List<Mail> mails(Random r, int n) {
        List<Mail> out = new ArrayList<>();
        long base = 1_800_000_000_000L;
        for (int i = 0; i < n; i++) {
            Instant received = Instant.ofEpochMilli(base + r.nextInt(6) * 60_000L);
            Instant date = r.nextInt(8) == 0 ? null : received.plusSeconds((r.nextInt(7) - 4) * 60L); // some in the future
            boolean gossip = r.nextInt(3) == 0;
            String fp = !gossip && r.nextInt(4) == 0 ? null : Histories.FPS.get(r.nextInt(Histories.FPS.size()));
            out.add(new Mail(gossip, date, received, fp, r.nextBoolean() ? PreferEncrypt.MUTUAL : PreferEncrypt.NOPREFERENCE));
        }
        return out;
    }

    private static List<AccountEvent> events(Random r, List<Mail> mails) {
        List<AccountEvent> out = new ArrayList<>();
        long[] seq = new long[DEVICES.size()];
        for (Mail m : mails) {
            int d = r.nextInt(DEVICES.size()); // whichever device happened to read it
            String dev = DEVICES.get(d);
            Dot dot = new Dot(dev, ++seq[d]);
            Hlc t = new Hlc(r.nextInt(1000), 0, dev);
            long eff = PeerEvent.effectiveDate(m.date, m.received);
            if (m.gossip) out.add(new PeerGossipSeen(dot, t, PEER, eff, m.fp, Histories.key(m.fp)));
            else if (m.fp == null) out.add(new PeerMailSeen(dot, t, PEER, eff));
            else out.add(new PeerAutocryptSeen(dot, t, PEER, eff, m.fp, Histories.key(m.fp), m.prefer));
        }
        return out;
    }

    @Property(tries = 1000)
    void peerState_fedInAnyOrder_equalsLevel1FedInDateOrder(@ForAll long seed, @ForAll @IntRange(min = 1, max = 25) int n) {
        Random r = new Random(seed);
        List<Mail> mails = mails(r, n);
        List<AccountEvent> events = events(r, mails);
        Collections.shuffle(events, r);
        PeerState crdt = Histories.fold(AccountState.EMPTY, events).peers().get(PEER);

        // Date order; the spec leaves equal dates to arrival order, we feed them by (fingerprint, prefer-encrypt).
        List<Mail> byDate = new ArrayList<>(mails);
        byDate.sort(Comparator.comparingLong(Mail::effective)
                .thenComparing(m -> m.fp == null ? "" : m.fp).thenComparing(Mail::prefer));
        Level1Peer spec = new Level1Peer();
        byDate.forEach(spec::receive);

        assertEquals(spec.lastSeen == null ? PeerState.NEVER : spec.lastSeen, crdt.lastSeen());
        if (spec.autocryptTimestamp == null) {
            assertNull(crdt.autocrypt());
        } else {
            assertEquals(spec.autocryptTimestamp, crdt.autocrypt().timestamp());
            assertEquals(spec.publicKey, crdt.autocrypt().fingerprint());
            assertArrayEquals(Histories.key(spec.publicKey).toByteArray(), crdt.autocrypt().keydata().toByteArray());
            assertEquals(spec.preferEncrypt, crdt.autocrypt().preferEncrypt());
        }
        if (spec.gossipTimestamp == null) {
            assertNull(crdt.gossip());
        } else {
            assertEquals(spec.gossipTimestamp, crdt.gossip().timestamp());
            assertEquals(spec.gossipKey, crdt.gossip().fingerprint());
        }
    }

    @Property(tries = 500)
    void peerState_isOrderIndependent(@ForAll long seed, @ForAll @IntRange(min = 1, max = 25) int n) {
        Random r = new Random(seed);
        List<AccountEvent> events = events(r, mails(r, n));
        AccountState first = Histories.fold(AccountState.EMPTY, events);
        Collections.shuffle(events, r);
        assertEquals(first.peers(), Histories.fold(AccountState.EMPTY, events).peers());
    }

    @Test
    void effectiveDate_isTheDateHeaderUnlessMissingOrInTheFuture() {
        Instant received = Instant.ofEpochMilli(10_000);
        assertEquals(9_000, PeerEvent.effectiveDate(Instant.ofEpochMilli(9_000), received));
        assertEquals(10_000, PeerEvent.effectiveDate(Instant.ofEpochMilli(11_000), received));
        assertEquals(10_000, PeerEvent.effectiveDate(null, received));
    }

    @Test
    void olderHeaderAfterNewer_changesNothing() {
        String a = DEVICES.get(0);
        AccountState s = AccountState.EMPTY
                .apply(new PeerAutocryptSeen(new Dot(a, 1), new Hlc(1, 0, a), PEER, 5_000, Histories.fp('2'),
                        Histories.key(Histories.fp('2')), PreferEncrypt.MUTUAL))
                .apply(new PeerAutocryptSeen(new Dot(a, 2), new Hlc(2, 0, a), PEER, 4_000, Histories.fp('3'),
                        Histories.key(Histories.fp('3')), PreferEncrypt.NOPREFERENCE));
        assertEquals(Histories.fp('2'), s.peers().get(PEER).autocrypt().fingerprint());
        assertEquals(5_000, s.peers().get(PEER).lastSeen());
    }
}
