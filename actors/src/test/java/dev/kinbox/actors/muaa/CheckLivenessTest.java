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
    private final SwitchedServer link = new SwitchedServer(new MemoryMailStore());
    private final ShiftedClock clock = new ShiftedClock();

    /** A device that checks its liveness hourly (never within a test unless asked), started and then left two days: a refresh is due. */
    private Device phoneDueForARefresh() throws Exception {
        Device phone = new Device(link, "kim@example.org", clock, Device.HOURLY_CHECKS);
        assertInstanceOf(StartOutcome.Bootstrapped.class, phone.start("phone"));
        clock.advance(Duration.ofDays(2));
        return phone;
    }

    @Test
    void aCheckAskedNow_refreshesADeviceDueForIt_andRepliesOnlyOnceTheRefreshIsPersisted() throws Exception {
        try (Device phone = phoneDueForARefresh()) {
            long started = lastActive(phone);

            assertEquals(Done.getInstance(), phone.<Done>ask(Muaa.CheckLiveness::new));
            assertTrue(lastActive(phone) > started, "the reply came before the refresh was persisted");
        }
    }

    @Test
    void twoAsksAtOnce_areBothAnswered_onceTheRefreshIsPersisted() throws Exception {
        try (Device phone = phoneDueForARefresh()) {
            long started = lastActive(phone);
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
        try (Device phone = phoneDueForARefresh()) {
            long started = lastActive(phone);
            link.offline.set(true);

            StatusReply<Done> r = phone.askReply(Muaa.CheckLiveness::new);

            assertTrue(r.isError(), "a check that could not read the server replied success");
            assertEquals(started, lastActive(phone), "refreshed by a check that failed");
        }
    }

    private static long lastActive(Device d) {
        return d.state().devices().get(d.id).lastActive();
    }
}
