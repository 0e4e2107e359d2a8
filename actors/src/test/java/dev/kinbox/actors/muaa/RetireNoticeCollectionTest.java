package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.actors.muaa.Liveness.NoticeUpkeep;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Retirement notices are garbage-collected (docs/PROTOCOL.md, "Removal and expiry"): one is written
 * per removal, so without collection {@code _Autocrypt_SMA} - read in full at every device's liveness
 * check - grows with the account's history instead of its devices.
 */
class RetireNoticeCollectionTest {
    private static final String ACCOUNT = "nell@example.org";
    private static final Duration EXPIRE = Duration.ofDays(30);
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final String X = "0123456789abcdef", A = "fedcba9876543210";

    @Test void aNotice_staysWhileTheRetiredDeviceMayComeBackOrASiblingAwayMayNeedIt_thenGoes() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        ShiftedClock clock = new ShiftedClock();
        // two devices: with a third, that sibling may relay the remover's state, which has x retired, to x - another
        // way for x to learn it, and both siblings may renew the notice at once
        List<Device> all = Accounts.paired(store, ACCOUNT, clock, ExpiryTest.TIMING, 2);
        Device back = null, aAgain = null;
        try {
            Device a = all.get(0), x = all.get(1);
            List<Device> running = List.of(a);
            silentFromDay0_removedOnDay20(clock, x, running);
            assertEquals(List.of(x.id + " by " + a.id), RemovalTest.notices(store));

            // day 32: x silent for 32 days, past its folder's time (30 days + one announceEvery), so the folder goes;
            // the notice, 12 days old, stays: a sibling away since day 19 would not be expired and might come back until day 49
            ExpiryTest.advance(clock, Duration.ofDays(6), running);
            ExpiryTest.advance(clock, Duration.ofDays(6), running);
            String folder = SmaFolders.deviceFolder(x.id);
            Eventually.until("x's folder is deleted", () -> !store.listFolders().contains(folder));
            Thread.sleep(500); // several more checks
            assertEquals(List.of(x.id + " by " + a.id), RemovalTest.notices(store), "the notice stays for expireAfter after it was written");

            // day 52: the notice is 32 days old
            ExpiryTest.advance(clock, Duration.ofDays(10), running);
            ExpiryTest.advance(clock, Duration.ofDays(10), running);
            Eventually.until("the notice is deleted", () -> RemovalTest.notices(store).isEmpty());

            // x comes back after all: the notice is gone, but a's retirement roll lists x and tells it at its start
            back = x.restart();
            StartOutcome first = back.start("device-2");
            assertInstanceOf(StartOutcome.Retired.class, first, "x learns from a's roll");
            assertTrue(((StartOutcome.Retired) first).reason().contains(a.id), "naming who: " + first);
            assertFalse(store.listFolders().contains(folder), "a device that knows it is retired creates nothing");
            back.close();

            // with no roll either (a sibling of the version before rolls writes none), switched off meanwhile: nothing
            // tells x at its start, which recreates its folder and announces it; a, on again, deletes both in its next
            // check and writes a fresh notice, and x learns it was retired
            a.close();
            RetireRollTest.deleteRolls(store, a.id);
            back = back.restart();
            Device returned = back;
            assertInstanceOf(StartOutcome.Running.class, returned.start("device-2"));
            aAgain = a.restart();
            assertInstanceOf(StartOutcome.Running.class, aAgain.start("device-0"));
            Eventually.until("the returned device learns it was retired", () -> returned.<Optional<String>>ask(Muaa.GetRetirement::new).isPresent());
            List<String> notices = RemovalTest.notices(store);
            assertEquals(List.of(x.id + " by " + a.id), notices, "one fresh notice");
            Eventually.until("its announcement is deleted again", () -> {
                try {
                    return !RemovalTest.announcedDevices(store).contains(x.id);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(500);
            assertFalse(RemovalTest.notices(store).isEmpty(), "the fresh notice is not collected at once");
        } finally {
            Accounts.closeAll(all);
            if (back != null) back.close();
            if (aAgain != null) aAgain.close();
        }
    }

    /**
     * a removes x and then leaves the account; x's folder time is up, so when b's check no longer trusts a's notice
     * (its author is retired in b's state) it is the only notice left naming x - and x, whose state still has a as
     * paired, trusts it. b must not collect it before it is {@code expireAfter} old: with every sibling gone
     * (b put away too), that notice is the only thing that tells x, coming back, that it was retired. Found by
     * {@code RetirementRunTest} under load: the last running sibling collected the leaver's fresh notice and the
     * retired device came back as if paired.
     */
    @Test void aFreshNotice_byADeviceThatLeftSince_isKeptForTheRetiredDevice_whichTrustsItsAuthor() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        ShiftedClock clock = new ShiftedClock();
        List<Device> all = Accounts.paired(store, ACCOUNT, clock, ExpiryTest.TIMING, 3);
        Device back = null, b = null;
        try {
            Device a = all.get(0), x = all.get(2);
            // b is put away over the removal and learns it from a's notice at its start: running, it may read the removal
            // from a's folder and check before a's notice is up, and then - no notice naming x - rightly append its own
            // (seen once with two test JVMs at once), which x trusts as well, and the test would prove nothing
            Device bBefore = all.get(1);
            x.close();
            ExpiryTest.advance(clock, Duration.ofDays(10), List.of(a, bBefore));
            ExpiryTest.advance(clock, Duration.ofDays(9), List.of(a, bBefore));
            bBefore.close();
            clock.advance(Duration.ofDays(1));
            assertEquals(x.id, a.<String>ask(r -> new Muaa.RemoveDevice(x.id, r)));
            Eventually.until("a's notice is up", () -> RemovalTest.notices(store).equals(List.of(x.id + " by " + a.id)));
            Device bAgain = b = bBefore.restart();
            assertInstanceOf(StartOutcome.Running.class, bAgain.start("device-1"));
            assertEquals(DeviceStatus.RETIRED, bAgain.state().devices().get(x.id).status(), "b learns x's removal at its start");
            List<Device> running = List.of(a, bAgain);
            ExpiryTest.advance(clock, Duration.ofDays(6), running);
            ExpiryTest.advance(clock, Duration.ofDays(6), running); // day 32: x's folder time is up
            String folder = SmaFolders.deviceFolder(x.id);
            Eventually.until("x's folder is deleted", () -> !store.listFolders().contains(folder));
            assertEquals(List.of(x.id + " by " + a.id), RemovalTest.notices(store));

            assertEquals(a.id, a.<String>ask(r -> new Muaa.RemoveDevice(a.id, true, r))); // a leaves the account
            a.awaitUploaded();
            Eventually.until("b has a retired", () -> bAgain.state().devices().get(a.id).status() == DeviceStatus.RETIRED);
            Thread.sleep(500); // several more checks of b
            assertTrue(RemovalTest.notices(store).contains(x.id + " by " + a.id), "a's notice, 12 days old, stays: " + RemovalTest.notices(store));

            bAgain.close(); // put away: nobody is left to renew a notice
            RetireRollTest.deleteRolls(store, bAgain.id); // and b's roll, which would tell x too (b of the version before rolls)
            back = x.restart();
            assertInstanceOf(StartOutcome.Retired.class, back.start("device-3"), "x learns from a's notice that it was retired");
        } finally {
            Accounts.closeAll(all);
            if (back != null) back.close();
            if (b != null) b.close();
        }
    }

    /** {@code x} is put away on day 0; on day 20 the first of {@code running} removes it. */
    private static void silentFromDay0_removedOnDay20(ShiftedClock clock, Device x, List<Device> running) throws InterruptedException {
        x.close();
        ExpiryTest.advance(clock, Duration.ofDays(10), running);
        ExpiryTest.advance(clock, Duration.ofDays(10), running);
        assertEquals(x.id, running.get(0).<String>ask(r -> new Muaa.RemoveDevice(x.id, r)));
    }

    @Test void upkeep_publishesAMissingNotice_keepsAFreshOne_renewsItForADeviceThatCameBack_andForgetsOldOnes() {
        long now = 100 * DAY;
        List<RetireNotice> none = List.of();
        List<RetireNotice> fresh = List.of(new RetireNotice(X, A, now - 10 * DAY, RetireNotice.Reason.REMOVED));
        List<RetireNotice> old = List.of(new RetireNotice(X, A, now - 31 * DAY, RetireNotice.Reason.EXPIRED));
        List<RetireNotice> otherDevice = List.of(new RetireNotice(A, X, now, RetireNotice.Reason.LEFT));
        // before the retired device's folder time is up: a notice must be there
        assertEquals(NoticeUpkeep.PUBLISH, Liveness.noticeUpkeep(now, false, false, X, none, none, EXPIRE));
        assertEquals(NoticeUpkeep.PUBLISH, Liveness.noticeUpkeep(now, false, false, X, otherDevice, none, EXPIRE), "a notice naming another device counts not");
        assertEquals(NoticeUpkeep.KEEP, Liveness.noticeUpkeep(now, false, false, X, old, none, EXPIRE), "not collected before the folder's time");
        assertEquals(NoticeUpkeep.KEEP, Liveness.noticeUpkeep(now, false, true, X, old, none, EXPIRE));
        // after it
        assertEquals(NoticeUpkeep.KEEP, Liveness.noticeUpkeep(now, true, false, X, fresh, none, EXPIRE), "a sibling away may still need it");
        assertEquals(NoticeUpkeep.FORGET, Liveness.noticeUpkeep(now, true, false, X, old, none, EXPIRE));
        assertEquals(NoticeUpkeep.FORGET, Liveness.noticeUpkeep(now, true, false, X, none, none, EXPIRE), "untrusted ones go too");
        assertEquals(NoticeUpkeep.RENEW, Liveness.noticeUpkeep(now, true, true, X, old, none, EXPIRE), "the device is back (an announcement or a folder of it)");
        assertEquals(NoticeUpkeep.RENEW, Liveness.noticeUpkeep(now, true, true, X, none, none, EXPIRE));
        assertEquals(NoticeUpkeep.KEEP, Liveness.noticeUpkeep(now, true, true, X, fresh, none, EXPIRE), "renewed already");
        // notices whose author this device has as retired since (it left, or was retired in turn)
        List<RetireNotice> freshFuture = List.of(new RetireNotice(X, A, now + DAY, RetireNotice.Reason.REMOVED));
        assertEquals(NoticeUpkeep.KEEP, Liveness.noticeUpkeep(now, true, false, X, none, fresh, EXPIRE), "the retired device may trust its author still");
        assertEquals(NoticeUpkeep.FORGET, Liveness.noticeUpkeep(now, true, false, X, none, old, EXPIRE));
        assertEquals(NoticeUpkeep.FORGET, Liveness.noticeUpkeep(now, true, false, X, none, freshFuture, EXPIRE), "dated ahead: kept for good else");
        assertEquals(NoticeUpkeep.PUBLISH, Liveness.noticeUpkeep(now, false, false, X, none, fresh, EXPIRE), "a sibling of this device's mind may not trust it");
        assertEquals(NoticeUpkeep.RENEW, Liveness.noticeUpkeep(now, true, true, X, none, fresh, EXPIRE), "back: told with a notice this device trusts");
        List<RetireNotice> leftByItself = List.of(new RetireNotice(X, X, now - DAY, RetireNotice.Reason.LEFT));
        List<RetireNotice> removedByItself = List.of(new RetireNotice(X, X, now - DAY, RetireNotice.Reason.REMOVED));
        assertEquals(NoticeUpkeep.KEEP, Liveness.noticeUpkeep(now, false, false, X, none, leftByItself, EXPIRE),
                "a device's own notice that it left: trusted by every device that has it paired, no second one needed");
        assertEquals(NoticeUpkeep.PUBLISH, Liveness.noticeUpkeep(now, false, false, X, none, removedByItself, EXPIRE));
    }
}
