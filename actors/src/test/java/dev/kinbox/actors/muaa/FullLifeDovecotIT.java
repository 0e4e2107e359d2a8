package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kinbox.journal.mail.MailStores;
import dev.kinbox.journal.mail.servers.DovecotServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link FullLifeTest}'s scenario on a Dovecot started for the test (loopback). */
class FullLifeDovecotIT {
    @Test void threeDevices_pairEditGoOfflineExpireAndAreRemoved_onDovecot() throws Exception {
        if (!DovecotServer.isInstalled()) System.out.println("skipped: dovecot is not installed");
        assumeTrue(DovecotServer.isInstalled(), "skipped: dovecot is not installed");
        try (MailStores.Running dovecot = MailStores.open("dovecot", Map.of())) {
            System.out.printf("full life of three devices on Dovecot: %d ms%n", FullLifeTest.run(dovecot.store()));
        }
    }
}
