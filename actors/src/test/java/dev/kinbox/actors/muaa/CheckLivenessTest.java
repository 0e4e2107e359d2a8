package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MemoryMailStore;
import java.time.Duration;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;

/**
 * A check asked for now ({@link Muaa.CheckLiveness}) - an app back in the foreground, the simulator's settle -
 * runs at once instead of at its period, and its asker hears only once what it found is persisted, or why
 * it failed.
 */
class CheckLivenessTest {
    private static final String ACCOUNT = "kim@example.org";
    /** Liveness checked hourly: never within the test unless it asks. */
    private static final Environment.Timing HOURLY = new Environment.Timing(Duration.ofMillis(20), Duration.ofSeconds(8),
            Duration.ofDays(30), Duration.ofDays(1), Duration.ofHours(1));

    private final MemoryMailStore store = new MemoryMailStore();
    private final SwitchedServer link = new SwitchedServer(store);
    private final ShiftedClock clock = new ShiftedClock();

    @Test
    void aCheckAskedNow_refreshesADeviceDueForIt_andRepliesOnlyOnceTheRefreshIsPersisted() throws Exception {
        try (Device phone = new Device(link, ACCOUNT, clock, HOURLY)) {
            assertInstanceOf(StartOutcome.Bootstrapped.class, phone.start("phone"));
            long started = lastActive(phone);
            clock.advance(Duration.ofDays(2)); // a refresh is due; the periodic check is an hour away

            assertEquals(Done.getInstance(), phone.<Done>ask(Muaa.CheckLiveness::new));
            assertTrue(lastActive(phone) > started, "the reply came before the refresh was persisted");
        }
    }

    @Test
    void twoAsksAtOnce_areBothAnswered_onceTheRefreshIsPersisted() throws Exception {
        try (Device phone = new Device(link, ACCOUNT, clock, HOURLY)) {
            assertInstanceOf(StartOutcome.Bootstrapped.class, phone.start("phone"));
            long started = lastActive(phone);
            clock.advance(Duration.ofDays(2));
            TestProbe<StatusReply<Done>> first = phone.kit.createTestProbe();
            TestProbe<StatusReply<Done>> second = phone.kit.createTestProbe();

            phone.muaa.tell(new Muaa.CheckLiveness(first.getRef()));
            phone.muaa.tell(new Muaa.CheckLiveness(second.getRef()));

            assertTrue(first.receiveMessage(Duration.ofSeconds(10)).isSuccess());
            assertTrue(second.receiveMessage(Duration.ofSeconds(10)).isSuccess());
            assertTrue(lastActive(phone) > started, "answered before the refresh was persisted");
        }
    }

    @Test
    void aCheckThatCannotReadTheServer_repliesWithWhy_andChangesNothing() throws Exception {
        try (Device phone = new Device(link, ACCOUNT, clock, HOURLY)) {
            assertInstanceOf(StartOutcome.Bootstrapped.class, phone.start("phone"));
            long started = lastActive(phone);
            link.offline.set(true);
            clock.advance(Duration.ofDays(2));

            StatusReply<Done> r = phone.askReply(Muaa.CheckLiveness::new);

            assertTrue(r.isError(), "a check that could not read the server replied success");
            assertEquals(started, lastActive(phone), "refreshed by a check that failed");
        }
    }

    private static long lastActive(Device d) {
        return d.state().devices().get(d.id).lastActive();
    }
}
