package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MemoryMailStore;
import java.time.Duration;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;

/**
 * Pairing times out in real time, whatever the devices' clocks do: the simulator runs them thousands
 * of times faster than real time, and a user's clock may jump.
 */
class PairingClockTest {
    private static final String ACCOUNT = "grace@example.org";

    @Test void pairing_onClocksThatLeapPastThePairingTimeoutBetweenReadings_completes() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        // every reading of the clock is 10 s after the previous one: more than FAST's 8 s pairing
        // timeout, as two readings 3 ms apart are on the simulator's clock at 3600x
        LeapingClock clock = new LeapingClock(Duration.ofSeconds(10));
        try (Device a = new Device(store, ACCOUNT, clock, Device.FAST);
             Device b = new Device(store, ACCOUNT, clock, Device.FAST)) {
            a.start("laptop");
            b.start("phone");
            StatusReply<PairingOutcome.Paired> r = PairingSteps.byCode(a, b);
            assertTrue(r.isSuccess(), () -> "pairing on leaping clocks: " + r);
            PairingTest.awaitPaired(a, b.id);
            PairingTest.awaitPaired(b, a.id);
        }
    }
}
