package dev.kinbox.simulator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kinbox.journal.mail.servers.DovecotServer;
import dev.kinbox.simulator.fleet.HostedFleet;
import dev.kinbox.simulator.workload.HostileAct;
import dev.kinbox.simulator.workload.Schedule;
import dev.kinbox.simulator.workload.WorkloadOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Faults on a real IMAP server (restarts; on Dovecot folder rebuilds too): every invariant holds after they stop. And
 * the hostile provider on Dovecot, acting through an IMAP session of the account as on GreenMail ({@link RunnerTest}).
 */
class FaultyServerRunIT {
    @Test
    void run_onGreenMail_withEveryFault_convergesWithEveryAckedEdit() throws Exception {
        FaultyRunTest.Outcome o = FaultyRunTest.run("greenmail", 41, new WorkloadOptions.Faults(24, 12, 24, 5, 3_600_000), Duration.ofSeconds(45));
        RunResult r = o.result();
        System.out.println("greenmail faults run: " + r.steps() + ", " + r.ackedEdits() + " edits, " + r.storeOps() + " store ops, wall " + r.wallSeconds() + " s");
        assertTrue(r.ok(), r.check().violations() + " " + r.notes());
        assertEquals(0, r.check().lostEdits());
        assertTrue(FaultyRunTest.scheduled(r, "Drop") > 0 && FaultyRunTest.scheduled(r, "ServerRestart") > 0 && r.ackedEdits() > 5, r.toString());
        // no folder rebuilds here: each restarts the GreenMail server, which this run already does (docs/SIMULATOR.md, "Folder rebuilds")
        assertTrue(o.states().values().stream().anyMatch(s -> !s.peers().isEmpty()), "no device learned a peer");
    }

    @Test
    void run_onDovecot_withServerRestartsDropsAndRebuildsFromOlderBackups_convergesWithEveryAckedEdit() throws Exception {
        if (!DovecotServer.isInstalled()) System.out.println("skipped: dovecot is not installed");
        assumeTrue(DovecotServer.isInstalled(), "skipped: dovecot is not installed");
        FaultyRunTest.Outcome o = FaultyRunTest.run("dovecot", 42, new WorkloadOptions.Faults(24, 4, 0, 0, 0).withRebuilds(6).withRebuildNewestLost(1),
                Duration.ofSeconds(45));
        RunResult r = o.result();
        System.out.println("dovecot faults run: " + r.steps() + ", " + r.ackedEdits() + " edits, " + r.storeOps() + " store ops, wall " + r.wallSeconds() + " s");
        assertTrue(r.ok(), r.check().violations() + " " + r.notes());
        assertEquals(0, r.check().lostEdits());
        assertTrue(FaultyRunTest.scheduled(r, "ServerRestart") > 0 && r.ackedEdits() > 5, r.toString());
        assertTrue(r.folderRebuilds() > 0, "no folder rebuilt: " + r.steps());
    }

    @Test
    void run_onDovecot_withAHostileProvider_actsThroughAnImapSession_appliesNoForgeryAndStillConverges() throws Exception {
        if (!DovecotServer.isInstalled()) System.out.println("skipped: dovecot is not installed");
        assumeTrue(DovecotServer.isInstalled(), "skipped: dovecot is not installed");
        Schedule s = RunnerTest.hostileSchedule();
        RunResult r = RunnerTest.run(s, Duration.ofSeconds(30), f -> f, HostedFleet.Options.forStore("dovecot"), "dovecot");
        System.out.println("hostile Dovecot run: " + r.hostileActs() + " of " + s.counts().get("Hostile") + " scheduled, refusals " + r.refusals()
                + ", withheld unhealed " + r.check().withheldMissing() + ", " + r.ackedEdits() + " edits, wall " + r.wallSeconds() + " s");
        assertTrue(r.ok(), r.check().violations() + " " + r.notes());
        assertEquals(0, r.check().forgedApplied());
        for (HostileAct act : HostileAct.values()) assertTrue(r.hostileActs().getOrDefault(act.name(), 0) > 0, "no " + act + ": " + r.hostileActs());
        assertTrue(r.refusals().untrusted() > 0, "no forged entry was refused: " + r.refusals());
        assertTrue(r.ackedEdits() > 20, "few edits acknowledged: " + r.ackedEdits());
    }
}
