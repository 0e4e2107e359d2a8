package dev.kinbox.simulator.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.PeerState;
import dev.kinbox.simulator.workload.Change;
import dev.kinbox.simulator.workload.Change.GossipMail.Damage;
import dev.kinbox.simulator.workload.Change.GossipMail.Recipient;
import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.workload.WorkloadOptions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Gossip mail on hosted devices that bootstrapped and paired for real: recorded, replicated, and a damaged one changes nothing. */
class GossipFleetTest {
    private static final DeviceRef A = new DeviceRef(0, 0);
    private static final DeviceRef B = new DeviceRef(0, 1);

    private static Change.GossipMail mail(Damage damage) {
        return new Change.GossipMail(2, 0, true, List.of(new Recipient(0, 0), new Recipient(1, 1)), damage);
    }

    @Test
    void gossipMail_isRecordedAndReplicated_andADamagedOneChangesNothingAndIsCounted() throws Exception {
        Roster roster = Roster.generate(1, 2, "gossip.test.invalid", Crypto.standard());
        FleetFaults faults = FleetFaults.of(5, new WorkloadOptions.Faults(0, 0, 1, 0, 0, 1), Crypto.standard());
        // a stopped clock: every mail carries the same date, so a copy of a header already recorded is nothing new
        Clock stopped = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
        try (Fleet f = new HostedFleet(roster, AccountStores.open("memory", new SecureRandom()), stopped,
                HostedFleet.Options.defaults(), faults)) {
            f.start(A);
            f.start(B); // pairs with A: B holds the account key A made
            f.edit(A, mail(Damage.NONE)).toCompletableFuture().get(30, TimeUnit.SECONDS);
            AccountState b = awaitGossip(f, B, 2);
            assertGossip(b, PeerMail.address(0), faults, 0, 0);
            assertGossip(b, PeerMail.address(1), faults, 1, 1);
            assertEquals(new GossipCounts(1, 1, 0, 0, 0), f.gossipMail());

            String bId = roster.device(B).deviceId();
            long before = b.context().contiguous(bId);
            ExecutionException malformed = assertThrows(ExecutionException.class,
                    () -> f.edit(B, mail(Damage.MALFORMED)).toCompletableFuture().get(30, TimeUnit.SECONDS));
            assertTrue(malformed.getCause().getMessage().contains("not recorded"), malformed.getCause().getMessage());
            // the sender's header is known already, so an undecryptable copy tells the device nothing at all
            ExecutionException undecryptable = assertThrows(ExecutionException.class,
                    () -> f.edit(B, mail(Damage.UNDECRYPTABLE)).toCompletableFuture().get(30, TimeUnit.SECONDS));
            assertTrue(undecryptable.getCause().getMessage().contains("nothing new"), undecryptable.getCause().getMessage());
            assertEquals(new GossipCounts(3, 1, 1, 1, 0), f.gossipMail());

            AccountState after = f.state(B).toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertEquals(before, after.context().contiguous(bId), "a damaged gossip mail made an event");
            assertEquals(b.peers(), after.peers());
            assertNotNull(f.edit(B, new Change.SetSetting("k", "still running")).toCompletableFuture().get(30, TimeUnit.SECONDS));
        }
    }

    private static void assertGossip(AccountState s, String addr, FleetFaults faults, int peer, int generation) {
        PeerState p = s.peers().get(addr);
        assertNotNull(p, addr + " unknown: " + s.peers().keySet());
        assertNotNull(p.gossip(), addr + " has no gossip");
        assertEquals(Crypto.fingerprint(faults.peers().key(peer, generation)), p.gossip().fingerprint(), addr);
    }

    /** {@code d}'s state once it holds gossip for {@code n} peers (bounded: 40 s). */
    private static AccountState awaitGossip(Fleet f, DeviceRef d, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (true) {
            AccountState s = f.state(d).toCompletableFuture().get(30, TimeUnit.SECONDS);
            if (s.peers().values().stream().filter(p -> p.gossip() != null).count() >= n) return s;
            assertTrue(System.nanoTime() < deadline, d + " never held gossip for " + n + " peers: " + s.peers().keySet());
            Thread.sleep(20);
        }
    }
}
