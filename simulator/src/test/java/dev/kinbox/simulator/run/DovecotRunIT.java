package dev.kinbox.simulator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.mail.servers.DovecotServer;
import dev.kinbox.simulator.fleet.AccountStores;
import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.fleet.HostedFleet;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.workload.Schedule;
import dev.kinbox.simulator.workload.Workload;
import dev.kinbox.simulator.workload.WorkloadOptions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code kinbox simulate --store dovecot}: devices on a throw-away Dovecot (loopback), one user per account. */
class DovecotRunIT {
    @BeforeAll static void needsDovecot() {
        if (!DovecotServer.isInstalled()) System.out.println("skipped: dovecot is not installed");
        assumeTrue(DovecotServer.isInstalled(), "skipped: dovecot is not installed");
    }

    @Test
    void run_onDovecot_withCrashesAndOfflineSpells_convergesWithEveryAckedEdit() throws Exception {
        Schedule s = Workload.generate(22, new WorkloadOptions(2, 2, 3, Duration.ofHours(3), 100, 2, 1, 4, 4, Duration.ofMinutes(30), 0, 5_000));
        Roster roster = Roster.generate(2, s.options().slotsPerAccount(), "dc.test.invalid", Crypto.standard());
        VirtualClock clock = new VirtualClock(Instant.parse("2030-01-01T00:00:00Z"), 3600, System::nanoTime);
        RunResult r;
        try (Fleet f = new HostedFleet(roster, AccountStores.open("dovecot", new SecureRandom()), clock, HostedFleet.Options.forStore("dovecot"))) {
            r = new Runner(f, new RunOptions(3600, Duration.ofSeconds(45), Duration.ofMillis(100)), Progress.NONE).run(s, "dovecot");
        }
        assertTrue(r.ok(), r.check().violations() + " " + r.notes());
        assertEquals(0, r.check().lostEdits());
        assertTrue(r.ackedEdits() > 5 && r.storeOps() > 0 && r.storeMessagesPerAccountMax() > 0, r.toString());
    }
}
