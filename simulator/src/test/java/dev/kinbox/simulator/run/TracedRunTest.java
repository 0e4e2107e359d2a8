package dev.kinbox.simulator.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.simulator.fleet.AccountStores;
import dev.kinbox.simulator.fleet.HostedFleet;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.trace.Journals;
import dev.kinbox.simulator.trace.Trace;
import dev.kinbox.simulator.trace.TraceCheck;
import dev.kinbox.simulator.trace.TraceFile;
import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.workload.Schedule;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TracedRunTest {
    @Test
    void run_withATraceFile_recordsJournalsThatReplayToTheDevicesFinalDigests(@TempDir Path dir) throws Exception {
        Schedule s = RunnerTest.tiny(11);
        Path file = dir.resolve("trace.kbt");
        Roster roster = Roster.generate(s.options().accounts(), s.options().slotsPerAccount(), "trace.test.invalid", Crypto.standard());
        VirtualClock clock = new VirtualClock(Instant.parse("2030-01-01T00:00:00Z"), 3600, System::nanoTime);
        try (HostedFleet fleet = new HostedFleet(roster, AccountStores.open("memory", new SecureRandom()), clock, HostedFleet.Options.defaults())) {
            RunResult r = new Runner(fleet, new RunOptions(3600, Duration.ofSeconds(30), Duration.ofMillis(100)), Progress.NONE, file).run(s, "memory");
            assertTrue(r.ok(), r.check().violations() + " " + r.notes());
            Map<DeviceRef, AccountState> live = FleetStates.read(fleet, 30_000, (d, e) -> { throw new AssertionError(d + ": " + e); });

            Trace t = TraceFile.read(file);
            assertEquals(s.seed(), t.seed());
            assertEquals(s.steps().size(), t.scheduleSteps());
            assertEquals(s.steps().size(), t.steps().size(), "every step has an outcome");
            assertEquals(r.ackedEdits(), t.steps().stream().filter(x -> x.outcome().startsWith("acked ")).count());
            assertEquals(r.devicesStarted(), t.accounts().stream().mapToInt(a -> a.devices().size()).sum());

            TraceCheck.Result v = TraceCheck.verify(t);
            assertTrue(v.ok(), v.mismatches().toString());
            assertEquals(live.size(), v.liveDigests());
            long entries = 0;
            for (Trace.Account a : t.accounts()) {
                for (Trace.Device d : a.devices()) {
                    entries += d.journal().size();
                    AccountState now = live.get(new DeviceRef(a.index(), d.slot()));
                    if (now == null) continue; // left or crashed at the end
                    byte[] replayed = Journals.digest(Journals.fold(Journals.decode(d), Long.MAX_VALUE));
                    assertArrayEquals(Journals.digest(now), replayed, "a" + a.index() + "/d" + d.slot());
                }
            }
            assertTrue(entries >= r.ackedEdits(), entries + " journal entries for " + r.ackedEdits() + " acked edits");
            System.out.println("traced run: " + r.ackedEdits() + " edits, " + entries + " journal entries, trace " + java.nio.file.Files.size(file) + " bytes");
        }
    }
}
