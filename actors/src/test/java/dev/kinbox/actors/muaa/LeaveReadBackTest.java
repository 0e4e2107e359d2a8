package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaHeader;
import dev.kinbox.journal.sma.SmaMessage;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;

/**
 * A device that leaves waits until a sibling shows it read the leave: the sibling's roll lists it
 * (docs/PROTOCOL.md, "Removal and expiry", the leave's wait). The sibling writes that roll within
 * moments of reading the leave, not at its next liveness check (hourly here, so no check runs in these
 * tests unless something asks for one). While the leaver waits, what the provider withheld of its leave
 * goes up again.
 */
class LeaveReadBackTest {
    private static final String ACCOUNT = "ines@example.org";
    static final Environment.Timing HOURLY = Device.HOURLY_CHECKS;

    @Test void leaver_hearsFromItsSiblingsRoll_thatTheLeaveWasRead_withinMoments_notAtTheSiblingsNextHourlyCheck() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        List<Device> all = new ArrayList<>(Accounts.paired(store, ACCOUNT, Clock.systemUTC(), HOURLY, 2));
        try {
            Device laptop = all.get(0), phone = all.get(1);
            Leave.Outcome left = leave(laptop, Duration.ofSeconds(20));
            assertEquals(new Leave.Outcome(true, Leave.Retirement.RETIRED, true), left, "the phone read the leave within the wait");
            assertEquals(DeviceStatus.RETIRED, phone.state().devices().get(laptop.id).status());
            assertEquals(Set.of(laptop.id), RetireRollTest.rolls(store, phone), "the phone's roll lists the laptop");
        } finally {
            Accounts.closeAll(all);
        }
    }

    @Test void leaveTheProviderWithheld_entryAndNotice_goesUpAgainWhileTheLeaverWaits_andTheSiblingBackRetiresIt() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        List<Device> all = new ArrayList<>(Accounts.paired(store, ACCOUNT, Clock.systemUTC(), HOURLY, 2));
        try {
            Device laptop = all.get(0), phone = all.get(1);
            phone.close(); // away: nobody reads the leave before the provider withholds it
            assertEquals(laptop.id, laptop.<String>ask(r -> new Muaa.RemoveDevice(laptop.id, true, r)));
            laptop.awaitUploaded();
            Provider provider = new Provider(store);
            StoredMessage newest = provider.entries(laptop.id).stream().max(Comparator.comparingLong(m -> Provider.attribute(m, "to"))).orElseThrow();
            provider.withhold(Provider.folder(laptop.id), List.of(newest.uid())); // its DeviceRetired
            provider.withhold(SmaFolders.ANNOUNCEMENTS, noticeUids(store, laptop.id));
            assertEquals(List.of(), RemovalTest.notices(store), "setup: the laptop's notice is withheld");

            TestProbe<StatusReply<Boolean>> readBack = laptop.kit.createTestProbe();
            laptop.muaa.tell(new Muaa.AwaitLeaveRead(Duration.ofSeconds(30), readBack.getRef()));
            Device back = phone.restart();
            all.add(back);
            assertInstanceOf(StartOutcome.Running.class, back.start("device-1"));
            assertEquals(StatusReply.success(true), readBack.receiveMessage(Duration.ofSeconds(40)), "the phone read the leave");
            assertEquals(DeviceStatus.RETIRED, back.state().devices().get(laptop.id).status());
            assertTrue(laptop.journalStats().auditRepairs.sum() >= 1, "the laptop's withheld entry went up again");
            assertTrue(RemovalTest.notices(store).contains(laptop.id + " by " + laptop.id), "the laptop's notice is there again: " + RemovalTest.notices(store));
        } finally {
            Accounts.closeAll(all);
        }
    }

    @Test void leaverWhoseSiblingIsAway_hearsNothingWithinTheWait_andTheSiblingBackLearnsTheLeaveAllTheSame() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        List<Device> all = new ArrayList<>(Accounts.paired(store, ACCOUNT, Clock.systemUTC(), HOURLY, 2));
        try {
            Device laptop = all.get(0), phone = all.get(1);
            phone.close();
            Leave.Outcome left = leave(laptop, Duration.ofSeconds(2));
            assertEquals(Leave.Retirement.RETIRED, left.retirement());
            assertFalse(left.readBack(), "nobody could read the leave");
            laptop.close();

            Device back = phone.restart();
            all.add(back);
            assertInstanceOf(StartOutcome.Running.class, back.start("device-1"));
            Eventually.until("the phone back retires the laptop", () -> back.state().devices().get(laptop.id).status() == DeviceStatus.RETIRED);
        } finally {
            Accounts.closeAll(all);
        }
    }

    @Test void deviceThatDidNotLeave_isToldSo_whenItAsksToWaitForItsLeaveToBeRead() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        List<Device> all = new ArrayList<>(Accounts.paired(store, ACCOUNT, Clock.systemUTC(), HOURLY, 2));
        try {
            StatusReply<Boolean> r = all.get(0).askReply(to -> new Muaa.AwaitLeaveRead(Duration.ofSeconds(1), to));
            assertTrue(r.isError());
            assertEquals("this device has not left the account", r.getError().getMessage());
        } finally {
            Accounts.closeAll(all);
        }
    }

    /** {@code d} leaves as {@code KinboxDevice.leave} has it do, waiting at most {@code readWait} for a sibling to read it. */
    private static Leave.Outcome leave(Device d, Duration readWait) throws Exception {
        Duration catchUp = Duration.ofSeconds(10);
        return Leave.run(d.muaa, d.id, catchUp, readWait, d.kit.scheduler()).toCompletableFuture()
                .get(Leave.longest(catchUp, readWait).toSeconds(), TimeUnit.SECONDS);
    }

    /** The UIDs of the notices in {@code _Autocrypt_SMA} naming {@code deviceId}. */
    private static List<Long> noticeUids(MemoryMailStore store, String deviceId) throws Exception {
        List<Long> out = new ArrayList<>();
        for (StoredMessage m : store.fetch(SmaFolders.ANNOUNCEMENTS, UidRange.all(), Fetch.HEADERS)) {
            SmaHeader h = SmaMessage.header(m);
            if (RetireNotice.isNotice(h) && deviceId.equals(h.attributes().get("retired"))) out.add(m.uid());
        }
        return out;
    }
}
