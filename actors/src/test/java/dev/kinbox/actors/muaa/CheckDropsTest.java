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

    @Test void aStartedDevice_watchingItsFolder_pollsForDropsFifteenTimesLessOften() throws Exception {
        Environment.Timing fast = new Environment.Timing(Duration.ofMillis(100), Duration.ofSeconds(8), Duration.ofDays(30), Duration.ofDays(1));
        PairSearches store = new PairSearches(new MemoryMailStore());
        try (Device idle = new Device(store, "grace@example.org", Clock.systemUTC(), fast)) {
            long notStarted = store.during(Duration.ofSeconds(2));
            assertTrue(notStarted >= 10, () -> "before its start (no folder of its own to watch) it polls every 100 ms: " + notStarted + " in 2 s");
            idle.start("laptop");
            Thread.sleep(300);
            long watched = store.during(Duration.ofSeconds(3));
            assertTrue(watched <= 4, () -> "watching its folder it polls every 1.5 s: " + watched + " searches in 3 s");
        }
    }

    /** Counts the searches for pairing drops. */
    private static final class PairSearches extends dev.kinbox.journal.mail.ForwardingMailStore {
        private final java.util.concurrent.atomic.AtomicLong searches = new java.util.concurrent.atomic.AtomicLong();

        PairSearches(dev.kinbox.journal.mail.MailStore delegate) {
            super(delegate);
        }

        @Override public List<Long> search(String folder, String header, String value) {
            if (value.equals("type=pair")) searches.incrementAndGet();
            return super.search(folder, header, value);
        }

        long during(Duration d) throws InterruptedException {
            long before = searches.get();
            Thread.sleep(d.toMillis());
            return searches.get() - before;
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
