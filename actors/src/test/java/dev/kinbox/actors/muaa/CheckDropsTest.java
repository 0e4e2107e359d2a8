package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MemoryMailStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;

/**
 * Devices that poll for pairing drops only hourly still pair at once: the watch on each device's
 * folder has it take drops as they come, and {@link Muaa.CheckDrops} (a pairing screen's nudge) works
 * too.
 */
class CheckDropsTest {
    /** Drops polled hourly: without a nudge neither side would read the other's drop within the 8 s pairing timeout. */
    private static final Environment.Timing IDLE = new Environment.Timing(Duration.ofHours(1), Duration.ofSeconds(8), Duration.ofDays(30),
            Duration.ofDays(1));

    @Test void devicesPollingHourly_pairByCode_asTheWatchOnTheirFoldersSeesTheDrops() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        try (Device a = new Device(store, "grace@example.org", Clock.systemUTC(), IDLE);
             Device b = new Device(store, "grace@example.org", Clock.systemUTC(), IDLE)) {
            a.start("laptop"); // a lone device: no sibling to read, so only the drop listener watches its folder
            b.start("phone");
            StatusReply<PairingOutcome.Paired> r = PairingSteps.byCode(a, b);
            assertTrue(r.isSuccess(), () -> "pairing without a nudge: " + r);
            PairingTest.awaitPaired(a, b.id);
            PairingTest.awaitPaired(b, b.id);
        }
    }

    @Test void devicesPollingHourly_pairByCode_whenNudgedToCheckDrops() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        ScheduledExecutorService screen = Executors.newSingleThreadScheduledExecutor();
        try (Device a = new Device(store, "grace@example.org", Clock.systemUTC(), IDLE);
             Device b = new Device(store, "grace@example.org", Clock.systemUTC(), IDLE)) {
            a.start("laptop");
            b.start("phone");
            screen.scheduleWithFixedDelay(() -> {
                for (Device d : List.of(a, b)) d.muaa.tell(Muaa.CheckDrops.INSTANCE);
            }, 0, 50, TimeUnit.MILLISECONDS);
            StatusReply<PairingOutcome.Paired> r = PairingSteps.byCode(a, b);
            assertTrue(r.isSuccess(), () -> "pairing with nudges: " + r);
            PairingTest.awaitPaired(a, b.id);
            PairingTest.awaitPaired(b, b.id);
        } finally {
            screen.shutdownNow();
        }
    }
}
