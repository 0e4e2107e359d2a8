package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.ForwardingMailStore;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaMessage;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A device whose folder was deleted while it was not running, started again on its own key and log. Its
 * recovery starts uploading and watching before its start reads the retirement notices, and either would
 * create the folder: for a device its siblings retired meanwhile (the common case: an old laptop switched
 * on after months), that put its whole journal back on the server for the siblings to delete once more.
 * Now the folder waits for the MUAA's word when a notice names the device (docs/PROTOCOL.md, "Removal and
 * expiry").
 */
class RetiredWhileStoppedTest {
    private static final String ACCOUNT = "oda@example.org";

    /** A device's view of the shared store that counts the CREATEs of one folder that make it exist. */
    private static final class CountedCreates extends ForwardingMailStore {
        final String folder;
        final AtomicInteger creates = new AtomicInteger();

        CountedCreates(MailStore shared, String folder) {
            super(shared);
            this.folder = folder;
        }

        @Override public void createFolder(String name) {
            if (name.equals(folder) && !super.listFolders().contains(name)) creates.incrementAndGet();
            super.createFolder(name);
        }

        @Override public void close() { }
    }

    @Test void deviceExpiredWhileStopped_startedAgain_learnsItWasRetired_withoutCreatingItsFolder() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        ShiftedClock clock = new ShiftedClock();
        List<Device> all = new ArrayList<>(Accounts.paired(store, ACCOUNT, clock, ExpiryTest.TIMING, 2));
        try {
            Device phone = all.get(0), laptop = all.get(1);
            laptop.close(); // switched off for good, or so the phone thinks
            for (int day = 5; day <= 35; day += 5) ExpiryTest.advance(clock, Duration.ofDays(5), List.of(phone));
            Eventually.until("the phone retires the silent laptop", () -> phone.state().devices().get(laptop.id).status() == DeviceStatus.RETIRED);
            String folder = SmaFolders.deviceFolder(laptop.id);
            Eventually.until("and deletes its folder", () -> !store.listFolders().contains(folder));

            CountedCreates view = new CountedCreates(store, folder);
            Device back = new Device(view, ACCOUNT, clock, ExpiryTest.TIMING, laptop.key, laptop.log);
            all.add(back);
            Thread.sleep(500); // recovered and not yet started (an app that shows its screen first): nothing creates the folder
            assertEquals(0, view.creates.get(), "the folder was created before the device could read the notices");
            StartOutcome.Retired told = assertInstanceOf(StartOutcome.Retired.class, back.start("laptop"));
            assertTrue(told.reason().contains("silent too long"), told.reason());
            Thread.sleep(1000); // an upload run or a watch start still under way would have created it by now (before the fix: twice)
            assertEquals(0, view.creates.get(), "the retired device created its folder again");
            assertFalse(store.listFolders().contains(folder));
        } finally {
            Accounts.closeAll(all);
        }
    }

    /**
     * The laptop is switched off; a tablet pairs with the phone; the phone goes for good. The tablet, the
     * only device left running, retires both when their silence passes the expiry. Back, the laptop does not
     * know the tablet, so it cannot check the tablet's notice with a certificate from its state: the notice
     * also carries a signature by the account key, which the laptop holds. Before (to 2026-12-06) the laptop
     * started as if paired, rebuilt its folder at every deletion, and a newcomer that paired with it split the
     * account (found with the simulator's --abandoned-returns).
     */
    @Test void deviceExpiredByASiblingPairedAfterItLeft_startedAgain_trustsTheNoticeByItsAccountKeySignature() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        ShiftedClock clock = new ShiftedClock();
        List<Device> all = new ArrayList<>(Accounts.paired(store, ACCOUNT, clock, ExpiryTest.TIMING, 2));
        try {
            Device phone = all.get(0), laptop = all.get(1);
            laptop.close();
            Device tablet = new Device(store, ACCOUNT, clock, ExpiryTest.TIMING);
            all.add(tablet);
            assertInstanceOf(StartOutcome.AwaitingPairing.class, tablet.start("tablet"));
            var paired = PairingSteps.byCode(phone, tablet);
            assertTrue(paired.isSuccess(), () -> "pairing: " + paired);
            Eventually.until("the tablet has the account", () -> tablet.state().devices().get(phone.id) != null
                    && tablet.state().devices().get(phone.id).status() == DeviceStatus.PAIRED);
            phone.close(); // gone too: the laptop knows no device that is still running
            for (int day = 5; day <= 35; day += 5) ExpiryTest.advance(clock, Duration.ofDays(5), List.of(tablet));
            String folder = SmaFolders.deviceFolder(laptop.id);
            Eventually.until("the tablet retires the laptop and deletes its folder", () -> tablet.state().devices().get(laptop.id).status() == DeviceStatus.RETIRED
                    && !store.listFolders().contains(folder));

            CountedCreates view = new CountedCreates(store, folder);
            Device back = new Device(view, ACCOUNT, clock, ExpiryTest.TIMING, laptop.key, laptop.log);
            all.add(back);
            StartOutcome.Retired told = assertInstanceOf(StartOutcome.Retired.class, back.start("laptop"),
                    "the laptop trusted no notice by the tablet, which it does not know");
            assertTrue(told.reason().contains(tablet.id), told.reason());
            Thread.sleep(1000);
            assertEquals(0, view.creates.get(), "the retired laptop created its folder again");
        } finally {
            Accounts.closeAll(all);
        }
    }

    /**
     * The provider deletes the folder of a stopped device and plants a notice that names it, by a device
     * nobody knows: the device reads the notices as soon as its recovery finds the folder gone (a liveness check
     * the journal asks for), refuses that one, and its folder and journal are rebuilt at once, not after the
     * longest wait ({@code gone-folder-wait}, 2 minutes).
     */
    @Test void deviceWhoseFolderTheProviderDeleted_underAForgedNotice_rebuildsItOnceItsStartRefusedTheNotice() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        ShiftedClock clock = new ShiftedClock();
        List<Device> all = new ArrayList<>(Accounts.paired(store, ACCOUNT, clock, ExpiryTest.TIMING, 2));
        try {
            Device phone = all.get(0), laptop = all.get(1);
            AccountEvent before = laptop.ask(r -> new Muaa.ChangeSetting("before", "1", r));
            laptop.awaitUploaded();
            laptop.close();
            String folder = SmaFolders.deviceFolder(laptop.id);
            store.deleteFolder(folder);
            // by a device nobody knows (one in the phone's name the phone would delete as an impostor at its next check)
            RetireNotice forged = new RetireNotice(laptop.id, "00000000000000ee", clock.millis(), RetireNotice.Reason.REMOVED);
            store.append(SmaFolders.ANNOUNCEMENTS, SmaMessage.build(forged.header(), "not signed".getBytes(StandardCharsets.UTF_8), clock));

            CountedCreates view = new CountedCreates(store, folder);
            Device back = new Device(view, ACCOUNT, clock, ExpiryTest.TIMING, laptop.key, laptop.log);
            all.add(back);
            long started = System.nanoTime();
            assertInstanceOf(StartOutcome.Running.class, back.start("laptop"));
            back.awaitUploaded();
            assertTrue(System.nanoTime() - started < Duration.ofSeconds(30).toNanos(), "the uploads waited out the longest wait, not for the MUAA's word");
            assertEquals(1, view.creates.get(), "the folder is rebuilt once");
            AccountEvent after = back.ask(r -> new Muaa.ChangeSetting("after", "2", r));
            Eventually.until("the phone has both of the laptop's edits", () -> phone.state().context().contains(before.dot())
                    && phone.state().context().contains(after.dot()));
            assertEquals(DeviceStatus.PAIRED, phone.state().devices().get(laptop.id).status());
        } finally {
            Accounts.closeAll(all);
        }
    }
}
