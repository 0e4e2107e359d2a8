package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.actors.muaa.PairingApprover.PairingMethod;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;

/**
 * A device back from an absence longer than the expiry, whose siblings retired it meanwhile, is asked to
 * pair a newcomer before it learnt of its retirement: it must not, or the newcomer is paired to nobody
 * else - the siblings refuse what a retired device writes, its {@code DevicePaired} too (seen while
 * analysing a simulator run where such a newcomer stayed apart from its account for good).
 */
class BackFromAwayTest {
    private static final String ACCOUNT = "kim@example.org";
    /** The laptop checks its liveness only hourly (never within the test unless asked), so only the rule under test makes it look. */
    private static final Environment.Timing RARE_CHECKS = new Environment.Timing(Duration.ofMillis(50), Duration.ofSeconds(8),
            Duration.ofDays(30), Duration.ofDays(1), Duration.ofHours(1));

    /**
     * Back after 29.5 days, just short of the 30-day expiry: its check refreshes it, but the refresh does not
     * reach the server, and the phone retires it when the 30 days are up. Its own state looks fresh all along,
     * so only waiting for a check after the refresh is on the server tells it (the simulator's case: 14-hour
     * expiry, server restarts).
     */
    @Test void deviceBackJustBeforeItsExpiry_whoseRefreshReachesTheServerLate_answersNoRequestUntilACheckAfterIt() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        SwitchedServer link = new SwitchedServer(store);
        ShiftedClock clock = new ShiftedClock();
        Device laptop = new Device(link, ACCOUNT, clock, RARE_CHECKS);
        Device phone = null, tablet = null;
        try {
            assertInstanceOf(StartOutcome.Bootstrapped.class, laptop.start("laptop"));
            phone = new Device(store, ACCOUNT, clock, ExpiryTest.TIMING);
            assertInstanceOf(StartOutcome.AwaitingPairing.class, phone.start("phone"));
            var paired = PairingSteps.byCode(laptop, phone);
            assertTrue(paired.isSuccess(), () -> "pairing: " + paired);
            Device p = phone;
            Eventually.until("the laptop has the phone paired", () -> laptop.state().devices().get(p.id) != null
                    && laptop.state().devices().get(p.id).status() == DeviceStatus.PAIRED);

            link.offline.set(true);
            for (int day = 5; day <= 25; day += 5) ExpiryTest.advance(clock, Duration.ofDays(5), List.of(phone));
            ExpiryTest.advance(clock, Duration.ofDays(4), List.of(phone));
            clock.advance(Duration.ofHours(12)); // 29.5 days away
            link.unwritable.set(true); // back, but what it uploads does not arrive (a server restarting, say)
            link.offline.set(false);
            tablet = new Device(store, ACCOUNT, clock, ExpiryTest.TIMING);
            tablet.start("tablet");
            TestProbe<StatusReply<PairingOutcome.Paired>> done = tablet.kit.createTestProbe();
            Device t = tablet;
            t.<PairingOutcome.Started>ask(r -> new Muaa.RequestPairing(laptop.id, PairingMethod.CODE, r, done.getRef()));
            Eventually.until("the laptop's check refreshed it in its own state", () -> clock.millis() - laptop.state().devices().get(laptop.id).lastActive()
                    < Duration.ofDays(1).toMillis());
            assertNull(laptop.approver.shownCodes.poll(2, TimeUnit.SECONDS), "answered while its refresh was not on the server");

            ExpiryTest.advance(clock, Duration.ofDays(1), List.of(phone)); // 30.5 days since the phone last saw it
            Eventually.until("the phone retires the laptop", () -> p.state().devices().get(laptop.id).status() == DeviceStatus.RETIRED);
            link.unwritable.set(false);
            Eventually.until("the laptop learns it was retired, from a check after its refresh reached the server",
                    () -> laptop.<Optional<String>>ask(Muaa.GetRetirement::new).isPresent());
            assertNull(laptop.approver.shownCodes.poll(1, TimeUnit.SECONDS), "a retired device answered the tablet");
        } finally {
            laptop.close();
            if (phone != null) phone.close();
            if (tablet != null) tablet.close();
        }
    }

    @Test void deviceBackFromAway_thatNobodyRetired_answersAHeldRequest_onceItsCheckRefreshedIt() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        SwitchedServer link = new SwitchedServer(store);
        ShiftedClock clock = new ShiftedClock();
        Device laptop = new Device(link, ACCOUNT, clock, RARE_CHECKS);
        Device tablet = null;
        try {
            assertInstanceOf(StartOutcome.Bootstrapped.class, laptop.start("laptop"));
            link.offline.set(true);
            clock.advance(Duration.ofDays(31)); // away, alone in its account: nobody to retire it
            link.offline.set(false);
            tablet = new Device(store, ACCOUNT, clock, ExpiryTest.TIMING);
            tablet.start("tablet");
            var paired = PairingSteps.byCode(laptop, tablet);
            assertTrue(paired.isSuccess(), () -> "the held request was answered after the check: " + paired);
            assertTrue(laptop.<Optional<String>>ask(Muaa.GetRetirement::new).isEmpty());
        } finally {
            laptop.close();
            if (tablet != null) tablet.close();
        }
    }

    @Test void deviceRetiredWhileAway_isAskedToPairANewcomer_checksFirst_andRefuses() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        SwitchedServer link = new SwitchedServer(store);
        ShiftedClock clock = new ShiftedClock();
        Device laptop = new Device(link, ACCOUNT, clock, RARE_CHECKS);
        Device phone = null, tablet = null;
        try {
            assertInstanceOf(StartOutcome.Bootstrapped.class, laptop.start("laptop"));
            phone = new Device(store, ACCOUNT, clock, ExpiryTest.TIMING);
            assertInstanceOf(StartOutcome.AwaitingPairing.class, phone.start("phone"));
            var paired = PairingSteps.byCode(laptop, phone);
            assertTrue(paired.isSuccess(), () -> "pairing: " + paired);
            Device p = phone;
            Eventually.until("the laptop has the phone paired", () -> laptop.state().devices().get(p.id) != null
                    && laptop.state().devices().get(p.id).status() == DeviceStatus.PAIRED);

            // the laptop goes away (suspended) for 31 days; the phone retires it by expiry and says so in a notice
            link.offline.set(true);
            for (int day = 5; day <= 30; day += 5) ExpiryTest.advance(clock, Duration.ofDays(5), List.of(phone));
            ExpiryTest.advance(clock, Duration.ofDays(1), List.of(phone));
            Eventually.until("the phone retires the silent laptop", () -> p.state().devices().get(laptop.id).status() == DeviceStatus.RETIRED);

            // back online; its stream of the phone's journal lags (the phone's folder not served to it), so only a check tells it
            link.unreadable.set(SmaFolders.deviceFolder(phone.id));
            link.offline.set(false);
            tablet = new Device(store, ACCOUNT, clock, ExpiryTest.TIMING);
            tablet.start("tablet");
            TestProbe<StatusReply<PairingOutcome.Paired>> done = tablet.kit.createTestProbe();
            Device t = tablet;
            t.<PairingOutcome.Started>ask(r -> new Muaa.RequestPairing(laptop.id, PairingMethod.CODE, r, done.getRef()));
            assertNull(laptop.approver.shownCodes.poll(4, TimeUnit.SECONDS),
                    "the laptop answered the tablet's request though its siblings had retired it");
            Eventually.until("the laptop learns it was retired, from the check its held request asked for",
                    () -> laptop.<Optional<String>>ask(Muaa.GetRetirement::new).isPresent());
            StatusReply<PairingOutcome.Paired> told = done.receiveMessage(Duration.ofSeconds(5));
            assertTrue(told.isError() && told.getError().getMessage().contains("aborted the pairing"),
                    "the tablet is told at once, so it can ask another device: " + told);
        } finally {
            laptop.close();
            if (phone != null) phone.close();
            if (tablet != null) tablet.close();
        }
    }
}
