package dev.kinbox.simulator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.simulator.fleet.AccountStores;
import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.fleet.HostedFleet;
import dev.kinbox.simulator.workload.Schedule;
import dev.kinbox.simulator.workload.Workload;
import dev.kinbox.simulator.workload.WorkloadOptions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The default store of {@code kinbox simulate}: devices on an embedded GreenMail server, one user per account. */
class GreenMailRunIT {
    @Test
    void run_onGreenMail_withCrashesAndOfflineSpells_convergesWithEveryAckedEdit() throws Exception {
        churnOn("greenmail", 21);
    }

    /** A small churning schedule (2 accounts of 2-3 devices, 3 simulated hours) on a server of {@code kind}: every invariant holds. */
    static void churnOn(String kind, long seed) throws Exception {
        Schedule s = Workload.generate(seed, new WorkloadOptions(2, 2, 3, Duration.ofHours(3), 100, 2, 1, 4, 4, Duration.ofMinutes(30), 0, 5_000));
        Roster roster = Roster.generate(2, s.options().slotsPerAccount(), kind + ".test.invalid", Crypto.standard());
        VirtualClock clock = new VirtualClock(Instant.parse("2030-01-01T00:00:00Z"), 3600, System::nanoTime);
        RunResult r;
        try (Fleet f = new HostedFleet(roster, AccountStores.open(kind, new SecureRandom()), clock, HostedFleet.Options.forStore(kind))) {
            r = new Runner(f, new RunOptions(3600, Duration.ofSeconds(45), Duration.ofMillis(100)), Progress.NONE).run(s, kind);
        }
        assertTrue(r.ok(), r.check().violations() + " " + r.notes());
        assertEquals(0, r.check().lostEdits());
        assertTrue(r.ackedEdits() > 5 && r.storeOps() > 0 && r.storeMessagesPerAccountMax() > 0, r.toString());
    }
}
