package dev.kinbox.simulator.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.GossipKey;
import dev.kinbox.simulator.run.Progress;
import dev.kinbox.simulator.run.RunOptions;
import dev.kinbox.simulator.run.RunResult;
import dev.kinbox.simulator.run.Runner;
import dev.kinbox.simulator.run.VirtualClock;
import dev.kinbox.simulator.workload.Change;
import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.workload.Schedule;
import dev.kinbox.simulator.workload.Step;
import dev.kinbox.simulator.workload.Workload;
import dev.kinbox.simulator.workload.WorkloadOptions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A short churning memory-store run with gossip mail: every invariant holds and every device of an account ends with the same gossip. */
class GossipRunTest {
    private static final long SEED = 33;
    private static final WorkloadOptions OPTIONS = new WorkloadOptions(2, 2, 3, Duration.ofHours(3), 60, 2, 1, 4, 4, Duration.ofMinutes(30), 0, 10_000)
            .withFaults(new WorkloadOptions.Faults(0, 0, 60, 0, 3_600_000L, 0.5));

    @Test
    void run_withGossipMail_convergesAndEveryDeviceOfAnAccountHoldsTheSameGossip() throws Exception {
        Schedule s = Workload.generate(SEED, OPTIONS);
        long gossip = s.steps().stream().filter(x -> x instanceof Step.Edit e && e.change() instanceof Change.GossipMail).count();
        assertTrue(gossip >= 10, "few gossip mails scheduled: " + s.counts());
        Roster roster = Roster.generate(2, OPTIONS.slotsPerAccount(), "gossip-run.invalid", Crypto.standard());
        VirtualClock clock = new VirtualClock(Instant.parse("2030-01-01T00:00:00Z"), 3600, System::nanoTime);
        FleetFaults faults = FleetFaults.of(SEED, OPTIONS.faults(), Crypto.standard());
        try (Fleet f = new HostedFleet(roster, AccountStores.open("memory", new SecureRandom()), clock, HostedFleet.Options.forStore("memory"), faults)) {
            RunResult r = new Runner(f, new RunOptions(3600, Duration.ofSeconds(45), Duration.ofMillis(100)), Progress.NONE).run(s, "memory");
            GossipCounts c = f.gossipMail();
            System.out.println("gossip run: " + r.steps() + ", " + r.ackedEdits() + " edits acked, " + r.unackedEdits() + " not, " + c
                    + ", wall " + r.wallSeconds() + " s");
            assertTrue(r.ok(), r.check().violations() + " " + r.notes());
            assertEquals(0, r.check().lostEdits());
            assertTrue(c.opened() > 0, c.toString());
            assertEquals(c.delivered(), c.opened() + c.undecryptable() + c.refused(), "every delivered mail has one outcome: " + c);
            assertTrue(c.delivered() + c.unsent() <= gossip, "more gossip mails than scheduled: " + c);

            for (int a = 0; a < 2; a++) {
                Map<DeviceRef, Map<String, GossipKey>> byDevice = new TreeMap<>();
                for (DeviceRef d : f.running()) {
                    if (d.account() == a) byDevice.put(d, gossipOf(f.state(d).toCompletableFuture().get(30, TimeUnit.SECONDS)));
                }
                assertTrue(!byDevice.isEmpty(), "no device of account " + a + " at the end");
                Map<String, GossipKey> first = byDevice.values().iterator().next();
                assertTrue(!first.isEmpty(), "account " + a + " learned no gossip");
                byDevice.forEach((d, g) -> assertEquals(first, g, "gossip-learned peers of " + d));
            }
        }
    }

    /** The gossip each peer has in {@code s}, by address (peers without gossip left out). */
    private static Map<String, GossipKey> gossipOf(AccountState s) {
        Map<String, GossipKey> out = new TreeMap<>();
        s.peers().forEach((addr, p) -> {
            if (p.gossip() != null) out.put(addr, p.gossip());
        });
        return out;
    }
}
