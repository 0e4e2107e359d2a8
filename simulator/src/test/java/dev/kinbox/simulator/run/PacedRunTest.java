package dev.kinbox.simulator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.simulator.fleet.AccountStores;
import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.fleet.ForwardingFleet;
import dev.kinbox.simulator.fleet.HostedFleet;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.workload.Schedule;
import dev.kinbox.simulator.workload.Step;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A run whose steps fall behind the devices' clock slows that clock until they catch up, and tells the fleet each pace. */
class PacedRunTest {
    private static final long HOUR = 3_600_000L;

    @Test
    void aStepThatTakesFourRealSeconds_slowsTheDevicesClock_soItsAccountLagsLittleMoreThanTheBound() throws Exception {
        DeviceRef d0 = new DeviceRef(0, 0), d1 = new DeviceRef(0, 1);
        // an expiry of 8 simulated hours: steps may lag an hour (one real second at 3600x) at full pace
        Schedule s = new Schedule(7, RunnerTest.tiny(7).options(), List.of(new Step.Join(0, d0), new Step.Join(0, d1),
                new Step.Offline(HOUR / 2, d1), new Step.Online(HOUR, d1), new Step.Edit(2 * HOUR, d0, new dev.kinbox.simulator.workload.Change.SetSetting("k", "v"))));
        Roster roster = Roster.generate(1, s.options().slotsPerAccount(), "paced.test.invalid", Crypto.standard());
        VirtualClock clock = VirtualClock.held(Instant.parse("2030-01-01T00:00:00Z"), 3600, System::nanoTime);
        List<Double> told = new CopyOnWriteArrayList<>();
        long[] during = new long[2];
        try (Fleet f = new ForwardingFleet(new HostedFleet(roster, AccountStores.open("memory", new SecureRandom()), clock,
                HostedFleet.Options.defaults().withExpireAfter(Duration.ofHours(8)))) {
            @Override public void online(DeviceRef d, boolean online) {
                if (!online) { // a step that takes four real seconds: four simulated hours at full pace
                    during[0] = clock.virtualMillis();
                    try {
                        Thread.sleep(4000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    during[1] = clock.virtualMillis();
                }
                delegate.online(d, online);
            }

            @Override public void clockPaced(Instant at, double pace) { told.add(pace); }
        }) {
            RunResult r = new Runner(f, new RunOptions(3600, Duration.ofSeconds(30), Duration.ofMillis(100)), Progress.NONE)
                    .drivingClock(clock).run(s, "memory");
            assertTrue(r.ok(), r.check().violations() + " " + r.notes());
            Pacing p = r.pacing();
            assertEquals(HOUR, p.boundMillis(), "an eighth of the expiry");
            assertTrue(p.slowdowns() >= 1 && p.slowedSeconds() > 2, p.toString());
            assertTrue(p.maxLagMillis() > HOUR && p.maxLagMillis() < 2 * HOUR, "slowed past the bound: " + p);
            long passed = during[1] - during[0];
            assertTrue(passed > HOUR && passed < 2 * HOUR, "simulated time during the four-second step: " + passed / 1000 + " s");
            assertEquals(Pacer.SLOW, told.get(0), "the fleet was told of the slowdown: " + told);
            assertEquals(1.0, told.get(1), "and of the full pace once the step was done: " + told);
        }
    }
}
