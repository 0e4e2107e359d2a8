package dev.kinbox.simulator.run;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kinbox.journal.mail.servers.DovecotServer;
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
        GreenMailRunIT.churnOn("dovecot", 22);
    }
}
