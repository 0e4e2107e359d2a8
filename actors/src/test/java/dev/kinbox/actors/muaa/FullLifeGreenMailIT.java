package dev.kinbox.actors.muaa;

import dev.kinbox.journal.mail.MailStores;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link FullLifeTest}'s scenario on an embedded GreenMail IMAP server (loopback). */
class FullLifeGreenMailIT {
    @Test void threeDevices_pairEditGoOfflineExpireAndAreRemoved_onGreenMail() throws Exception {
        try (MailStores.Running gm = MailStores.open("greenmail", Map.of())) {
            System.out.printf("full life of three devices on GreenMail: %d ms%n", FullLifeTest.run(gm.store()));
        }
    }
}
