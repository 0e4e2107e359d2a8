package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MailStores;
import dev.kinbox.persistence.AccountEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bootstrap, code pairing and replication of two devices on an embedded GreenMail IMAP server
 * (loopback); a pairing that relies on the IDLE watch alone.
 */
class PairingGreenMailIT {
    @Test void twoDevices_pairByCode_andConvergeOnGreenMail() throws Exception {
        try (MailStores.Running gm = MailStores.open("greenmail", Map.of());
             Device a = new Device(gm.store(), "gina@example.org", Clock.systemUTC(), Device.FAST);
             Device b = new Device(gm.store(), "gina@example.org", Clock.systemUTC(), Device.FAST)) {
            String key = assertInstanceOf(StartOutcome.Bootstrapped.class, a.start("laptop")).accountKeyFingerprint();
            assertInstanceOf(StartOutcome.AwaitingPairing.class, b.start("phone"));
            var r = PairingSteps.byCode(a, b);
            assertTrue(r.isSuccess(), () -> "pairing on GreenMail: " + r);
            PairingTest.awaitPaired(a, b.id);
            a.<AccountEvent>ask(x -> new Muaa.ChangeSetting("k", "from-a", x));
            b.<AccountEvent>ask(x -> new Muaa.ChangeSetting("k2", "from-b", x));
            Convergence.await(List.of(a, b), Duration.ofSeconds(40));
            assertEquals(key, b.state().currentKeyFingerprint().orElseThrow());
            assertEquals("from-b", a.state().settings().get("k2").value());
        }
    }

    /** Drops polled hourly (the pairing times out after 8 s): the IDLE watch on each device's folder has it take them. */
    @Test void devicesPollingHourly_pairByCodeOnGreenMail_asTheWatchOnTheirFoldersSeesTheDrops() throws Exception {
        Environment.Timing idle = new Environment.Timing(Duration.ofHours(1), Duration.ofSeconds(8), Duration.ofDays(30), Duration.ofDays(1));
        try (MailStores.Running gm = MailStores.open("greenmail", Map.of());
             Device a = new Device(gm.store(), "gina@example.org", Clock.systemUTC(), idle);
             Device b = new Device(gm.store(), "gina@example.org", Clock.systemUTC(), idle)) {
            a.start("laptop");
            b.start("phone");
            var r = PairingSteps.byCode(a, b);
            assertTrue(r.isSuccess(), () -> "pairing without a poll or a nudge on GreenMail: " + r);
            PairingTest.awaitPaired(a, b.id);
        }
    }
}
