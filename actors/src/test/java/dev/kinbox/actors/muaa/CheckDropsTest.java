package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.sma.SmaFolders;
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

    /** Drops polled every 100 ms: 15 s apart while watching with no pairing open. */
    private static final Environment.Timing FAST = new Environment.Timing(Duration.ofMillis(100), Duration.ofSeconds(8), Duration.ofDays(30),
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

    @Test void anIdleStartedDevice_watchingItsFolder_pollsForDropsAHundredAndFiftyTimesLessOften() throws Exception {
        PairSearches store = new PairSearches(new MemoryMailStore());
        try (Device idle = new Device(store, "grace@example.org", Clock.systemUTC(), FAST)) {
            long notStarted = store.during(Duration.ofSeconds(2));
            assertTrue(notStarted >= 10, () -> "before its start (no folder of its own to watch) it polls every 100 ms: " + notStarted + " in 2 s");
            idle.start("laptop");
            Thread.sleep(300);
            long watched = store.during(Duration.ofSeconds(3));
            assertTrue(watched <= 1, () -> "watching its folder, no pairing open, it polls every 15 s: " + watched + " searches in 3 s");
        }
    }

    @Test void whileAPairingWaitsForItsNextDrop_bothSidesPollAtTheDropPoll_evenWatchingTheirFolders() throws Exception {
        PairSearches store = new PairSearches(new MemoryMailStore());
        try (Device existing = new Device(store, "grace@example.org", Clock.systemUTC(), FAST);
             Device fresh = new Device(store, "grace@example.org", Clock.systemUTC(), FAST)) {
            existing.start("laptop");
            fresh.start("phone");
            Thread.sleep(300);
            long idle = store.during(Duration.ofSeconds(2));
            assertTrue(idle <= 2, () -> "two idle devices watching their folders: " + idle + " searches in 2 s");
            fresh.<PairingOutcome.Started>ask(r -> new Muaa.RequestPairing(existing.id, PairingApprover.PairingMethod.QR, r,
                    fresh.kit.<StatusReply<PairingOutcome.Paired>>createTestProbe().getRef()));
            // the existing device took the request and waits for its user to scan the QR code
            if (existing.approver.asked.poll(Device.WAIT.toSeconds(), TimeUnit.SECONDS) == null) throw new AssertionError("no request came");
            String existingFolder = SmaFolders.deviceFolder(existing.id);
            String freshFolder = SmaFolders.deviceFolder(fresh.id);
            long e0 = store.in(existingFolder);
            long f0 = store.in(freshFolder);
            Thread.sleep(2000);
            long e = store.in(existingFolder) - e0;
            long f = store.in(freshFolder) - f0;
            assertTrue(e >= 8, () -> "the existing side, its session open, polls every 100 ms: " + e + " searches in 2 s");
            assertTrue(f >= 8, () -> "the new side, its session open, polls every 100 ms: " + f + " searches in 2 s");
        }
    }

    /** Counts the searches for pairing drops, in all and by folder. */
    private static final class PairSearches extends dev.kinbox.journal.mail.ForwardingMailStore {
        private final java.util.concurrent.atomic.AtomicLong searches = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicLong> byFolder =
                new java.util.concurrent.ConcurrentHashMap<>();

        PairSearches(dev.kinbox.journal.mail.MailStore delegate) {
            super(delegate);
        }

        @Override public List<Long> search(String folder, String header, String value) {
            if (value.equals("type=pair")) {
                searches.incrementAndGet();
                byFolder.computeIfAbsent(folder, f -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
            }
            return super.search(folder, header, value);
        }

        long in(String folder) {
            var n = byFolder.get(folder);
            return n == null ? 0 : n.get();
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
