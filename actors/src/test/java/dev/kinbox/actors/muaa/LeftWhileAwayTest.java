package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;

/**
 * A device leaves the account while its one sibling is away. The leaver's last edits are then only
 * in its folder. Back, the sibling learns of the leave two ways: its stream of the leaver reads the
 * folder (the edits, then the leaver's own retirement), and its liveness check reads the leaver's
 * notice. When the check comes first, the sibling must read the leaver's folder to its end before it
 * retires the leaver: from the retirement on it refuses the leaver's entries, and the edits would be
 * lost for good.
 */
class LeftWhileAwayTest {
    private static final String ACCOUNT = "nia@example.org";

    @Test void aSiblingBackAfterALeave_readsTheLeaversLastEditsBeforeRetiringIt_evenWhenItsCheckFindsTheNoticeFirst() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        Clock clock = Clock.systemUTC();
        List<Device> all = new ArrayList<>(Accounts.paired(store, ACCOUNT, clock, RemovalTest.FAST_CHECK, 2));
        try {
            Device laptop = all.get(0), phone = all.get(1);
            phone.close(); // away from here on
            AccountEvent last = laptop.ask(r -> new Muaa.ChangeSetting("written-before-leaving", "l", r));
            assertEquals(laptop.id, laptop.<String>ask(r -> new Muaa.RemoveDevice(laptop.id, true, r)));
            laptop.close(); // gone with the user

            // back, the phone's looks at the laptop's folder are slow to be answered; its check (every 150 ms) is not
            HeldDrops view = new HeldDrops(store);
            view.slow(HeldDrops.folder(laptop.id), Duration.ofSeconds(2));
            Device back = new Device(view, ACCOUNT, clock, RemovalTest.FAST_CHECK, phone.key, phone.log);
            all.add(back);
            assertInstanceOf(StartOutcome.Running.class, back.start("device-1"));
            Eventually.until("the phone retires the laptop that left", () -> back.state().devices().get(laptop.id).status() == DeviceStatus.RETIRED);
            assertTrue(back.state().context().contains(last.dot()), "the laptop's last edit, which only its folder held, reached the phone");
            var setting = back.state().settings().get("written-before-leaving");
            assertEquals("l", setting == null ? null : setting.value());
        } finally {
            Accounts.closeAll(all);
        }
    }

    /**
     * As above, but the server fails every read of the leaver's folder at first (a restart, an outage):
     * the sibling does not retire the leaver on its notice alone - nobody read that folder for it - and
     * retires it once the folder is served and read, with the leaver's last edit.
     */
    @Test void aSiblingBackAfterALeave_whoseReadsOfTheLeaversFolderFail_retiresItOnlyOnceItReadIt() throws Exception {
        SwitchedServer store = new SwitchedServer(new MemoryMailStore());
        Clock clock = Clock.systemUTC();
        List<Device> all = new ArrayList<>(Accounts.paired(store, ACCOUNT, clock, RemovalTest.FAST_CHECK, 2));
        try {
            Device laptop = all.get(0), phone = all.get(1);
            phone.close();
            AccountEvent last = laptop.ask(r -> new Muaa.ChangeSetting("written-before-leaving", "l", r));
            assertEquals(laptop.id, laptop.<String>ask(r -> new Muaa.RemoveDevice(laptop.id, true, r)));
            laptop.close();

            store.unreadable.set(dev.kinbox.journal.sma.SmaFolders.deviceFolder(laptop.id));
            Device back = phone.restart();
            all.add(back);
            assertInstanceOf(StartOutcome.Running.class, back.start("device-1"));
            Thread.sleep(1500); // ten liveness checks, each finding the notice and failing to read the folder
            assertEquals(DeviceStatus.PAIRED, back.state().devices().get(laptop.id).status(),
                    "the phone retired the laptop on its notice though it could not read the laptop's folder");
            store.unreadable.set(null);
            Eventually.until("the phone retires the laptop once it read its folder",
                    () -> back.state().devices().get(laptop.id).status() == DeviceStatus.RETIRED);
            assertTrue(back.state().context().contains(last.dot()), "the laptop's last edit reached the phone");
        } finally {
            Accounts.closeAll(all);
        }
    }

    /**
     * The leaver is online but its last edit is still uploading (its APPENDs fail for a while: it just came back, the
     * connection is flaky) when it leaves, and its sibling checks every 150 ms. The sibling must not read the leaver's
     * notice before the leaver's folder holds that edit: it would read the folder to its end without it, retire the
     * leaver and refuse the edit when it arrived. The leave waits for the uploads, then retires with its notice.
     */
    @Test void aLeaverWhoseLastEditIsStillUploading_hasItsNoticeReadOnlyOnceItsFolderHoldsTheEdit() throws Exception {
        leaveWithTheLastEditUploading(Duration.ofMillis(1500), laptop -> {
            TestProbe<StatusReply<String>> left = laptop.kit.createTestProbe();
            laptop.muaa.tell(new Muaa.RemoveDevice(laptop.id, true, left.getRef()));
            return () -> assertEquals(StatusReply.success(laptop.id), left.receiveMessage(Duration.ofSeconds(15)));
        });
    }

    /**
     * As above, the uploads failing past the 5 s the leave waits for them (and for its retirement), as
     * {@code KinboxDevice.leave} leaves: it retires without its notice then, and its wait for a reader appends the
     * notice only once the retirement, and so the edit, is on the server.
     */
    @Test void aLeaverWhoseUploadsFailPastItsRetirement_appendsItsNoticeWhileItWaits_onlyOnceItsFolderHoldsTheEdit() throws Exception {
        leaveWithTheLastEditUploading(Duration.ofMillis(7500), laptop -> {
            Duration catchUp = Duration.ofSeconds(10), readWait = Duration.ofSeconds(30);
            var left = Leave.run(laptop.muaa, laptop.id, catchUp, readWait, laptop.kit.scheduler()).toCompletableFuture();
            return () -> assertEquals(new Leave.Outcome(true, Leave.Retirement.RETIRED, true),
                    left.get(Leave.longest(catchUp, readWait).toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
        });
    }

    /** What the test does once the uploads go through again: checks how the leave went. */
    private interface LeaveCheck {
        void check() throws Exception;
    }

    /**
     * The laptop of two devices edits while its uploads fail, starts to {@code leave}, and its uploads go through
     * {@code failFor} after the edit; the phone must end with the laptop retired, its last edit, and a notice of it.
     */
    private static void leaveWithTheLastEditUploading(Duration failFor, java.util.function.Function<Device, LeaveCheck> leave) throws Exception {
        MemoryMailStore shared = new MemoryMailStore();
        SwitchedServer store = new SwitchedServer(shared);
        List<Device> all = new ArrayList<>(Accounts.paired(store, ACCOUNT, Clock.systemUTC(), RemovalTest.FAST_CHECK, 2));
        try {
            Device laptop = all.get(0), phone = all.get(1);
            store.unwritableFolder.set(dev.kinbox.journal.sma.SmaFolders.deviceFolder(laptop.id)); // its uploads fail for now
            AccountEvent last = laptop.ask(r -> new Muaa.ChangeSetting("written-before-leaving", "l", r));
            LeaveCheck left = leave.apply(laptop);
            Thread.sleep(failFor.toMillis()); // the phone checks every 150 ms meanwhile
            store.unwritableFolder.set(null);
            left.check();

            Eventually.until("the phone retires the laptop that left", () -> phone.state().devices().get(laptop.id).status() == DeviceStatus.RETIRED);
            assertTrue(phone.state().context().contains(last.dot()), "the laptop's last edit, uploaded after its leave, reached the phone");
            // the laptop's own, or the phone's: a sibling that has a device retired writes a notice when none is there
            Eventually.until("a notice of the laptop's retirement is there", () -> RemovalTest.notices(shared).stream().anyMatch(n -> n.startsWith(laptop.id + " by ")));
        } finally {
            Accounts.closeAll(all);
        }
    }
}
