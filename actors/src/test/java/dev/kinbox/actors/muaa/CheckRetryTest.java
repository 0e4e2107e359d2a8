package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.kinbox.journal.mail.MemoryMailStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A device online only in spells shorter than its liveness check interval - a phone woken for a minute -
 * whose periodic checks fall in its time offline: a failed check runs again as soon as the server answers
 * a drop poll, so the device refreshes itself while it runs and is not retired by its siblings for a
 * silence it never had; at most once per interval, so a check that keeps failing costs one more check
 * per interval, not one per poll.
 */
class CheckRetryTest {
    private static final String ACCOUNT = "lee@example.org";
    /**
     * Drops looked for every 20 ms (3 s apart while the watch on its folder runs, as it does here: the test's link
     * leaves watches alone), liveness checked hourly: never within the test unless it asks.
     */
    private static final Environment.Timing HOURLY = new Environment.Timing(Duration.ofMillis(20), Duration.ofSeconds(8),
            Duration.ofDays(30), Duration.ofDays(1), Duration.ofHours(1));

    private final MemoryMailStore store = new MemoryMailStore();
    private final SwitchedServer link = new SwitchedServer(store);
    private final ShiftedClock clock = new ShiftedClock();

    @Test
    void aCheckThatFailedOffline_runsAgainAtTheFirstDropPollOnline_andRefreshesTheDevice_onceAnInterval() throws Exception {
        try (Device phone = new Device(link, ACCOUNT, clock, HOURLY)) {
            assertInstanceOf(StartOutcome.Bootstrapped.class, phone.start("phone"));
            long started = lastActive(phone);

            checkOffline(phone);
            assertEquals(started, lastActive(phone), "refreshed while offline");
            link.offline.set(false); // nothing else asks for a check within the hour
            Eventually.until("the phone refreshed itself once back online", () -> lastActive(phone) > started);
            long refreshed = lastActive(phone);

            // the next spell offline, within the same hour: its failed check waits for the periodic one
            checkOffline(phone);
            link.offline.set(false);
            int polls = link.searches.get();
            Eventually.until("a drop poll was answered", () -> link.searches.get() > polls);
            Thread.sleep(500); // a check it started would have refreshed the phone by now (the first took milliseconds)
            assertEquals(refreshed, lastActive(phone), "a second early check within the interval");
        }
    }

    /** The phone goes offline, a day and more passes (a refresh is due), and its liveness check runs and fails. */
    private void checkOffline(Device phone) throws InterruptedException {
        link.offline.set(true);
        clock.advance(Duration.ofDays(2));
        int refused = link.refusedListings.get();
        phone.muaa.tell(Muaa.LivenessTick.INSTANCE);
        Eventually.until("the check's listing was refused", () -> link.refusedListings.get() > refused);
        Thread.sleep(200); // for its failure to reach the MUAA
    }

    private static long lastActive(Device d) {
        return d.state().devices().get(d.id).lastActive();
    }
}
