package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An expiry whose read of the silent device's folder fails waits for a later check (docs/PROTOCOL.md,
 * "Removal and expiry"): retiring it would refuse whatever of it was still unread, for good.
 */
class ExpiryCatchUpTest {
    private static final String ACCOUNT = "jo@example.org";

    /** Three paired devices; the third writes an edit, closes for good, and its folder becomes unreadable. */
    private record Scene(ShiftedClock clock, SwitchedServer store, List<Device> all, Device a, Device b, String silent, AccountEvent lastEdit) {}

    private static Scene scene() throws Exception {
        ShiftedClock clock = new ShiftedClock();
        SwitchedServer store = new SwitchedServer(new MemoryMailStore());
        List<Device> all = Accounts.paired(store, ACCOUNT, clock, ExpiryTest.TIMING, 3);
        Device c = all.get(2);
        AccountEvent edit = c.ask(r -> new Muaa.ChangeSetting("last-words", "c", r));
        c.awaitUploaded();
        c.close();
        store.unreadable.set(SmaFolders.deviceFolder(c.id));
        return new Scene(clock, store, all, all.get(0), all.get(1), c.id, edit);
    }

    private static void advanceDays(Scene s, int days) throws InterruptedException {
        for (int i = 0; i < days; i += 5) ExpiryTest.advance(s.clock(), Duration.ofDays(Math.min(5, days - i)), List.of(s.a(), s.b()));
    }

    @Test void expiredDevice_whoseFolderCannotBeRead_isNotRetired_untilItIsRead() throws Exception {
        Scene s = scene();
        try {
            advanceDays(s, 30);
            s.clock().advance(Duration.ofHours(12)); // silent 30.5 days: expired, within the grace
            Thread.sleep(1500); // ten liveness checks, each trying to read the folder first
            for (Device d : List.of(s.a(), s.b())) {
                assertEquals(DeviceStatus.PAIRED, d.state().devices().get(s.silent()).status(),
                        d.id + " retired the silent device though it could not read its folder");
            }
            s.store().unreadable.set(null); // the server serves it again
            for (Device d : List.of(s.a(), s.b())) {
                Eventually.until(d.id + " retires the silent device once it read its folder",
                        () -> d.state().devices().get(s.silent()).status() == DeviceStatus.RETIRED);
                assertTrue(d.state().context().contains(s.lastEdit().dot()), d.id + " holds the silent device's last edit");
            }
        } finally {
            Accounts.closeAll(s.all());
        }
    }

    @Test void expiredDevice_whoseFolderCannotBeRead_isRetiredAnyway_onceItsFolderIsDue() throws Exception {
        Scene s = scene();
        try {
            advanceDays(s, 30);
            s.clock().advance(Duration.ofHours(36)); // silent 31.5 days: past expireAfter + announceEvery
            for (Device d : List.of(s.a(), s.b())) {
                Eventually.until(d.id + " retires the silent device, read or not",
                        () -> d.state().devices().get(s.silent()).status() == DeviceStatus.RETIRED);
            }
        } finally {
            Accounts.closeAll(s.all());
        }
    }

    /**
     * A check judges silence at the time it read the announcements, also when it runs again after reading
     * an expired device's folder: that read may take long (a slow server; a laptop put to sleep in the
     * middle of it), and a sibling then silent for less than {@code expireAfter}, whose refresh the
     * checker has not read since, is not to be retired unread on what the check read before.
     */
    @Test void aSiblingNotExpiredWhenTheCheckRead_isNotRetired_whenTheCatchUpOfAnotherEndsDaysLater() throws Exception {
        ShiftedClock clock = new ShiftedClock();
        MemoryMailStore store = new MemoryMailStore();
        HeldDrops view = new HeldDrops(store); // the checker's view of the server
        List<Device> all = new java.util.ArrayList<>();
        try {
            Device a = new Device(view, ACCOUNT, clock, ExpiryTest.TIMING);
            all.add(a);
            assertInstanceOf(StartOutcome.Bootstrapped.class, a.start("device-0"));
            Device b = new Device(store, ACCOUNT, clock, ExpiryTest.TIMING), c = new Device(store, ACCOUNT, clock, ExpiryTest.TIMING);
            all.add(b);
            all.add(c);
            for (Device d : List.of(b, c)) {
                assertInstanceOf(StartOutcome.AwaitingPairing.class, d.start("device"));
                assertTrue(PairingSteps.byCode(a, d).isSuccess());
                Eventually.until(a.id + " has " + d.id + " paired", () -> a.state().devices().get(d.id) != null
                        && a.state().devices().get(d.id).status() == DeviceStatus.PAIRED);
            }
            c.close(); // silent from day 0
            ExpiryTest.advance(clock, Duration.ofDays(1), List.of(a, b));
            b.close(); // silent from day 1
            for (int day = 1; day < 26; day += 5) ExpiryTest.advance(clock, Duration.ofDays(5), List.of(a));

            view.freeze(HeldDrops.folder(b.id)); // from here on the checker reads nothing new of b
            view.slow(HeldDrops.folder(c.id), Duration.ofSeconds(5)); // and its read of c's folder takes a while
            clock.advance(Duration.ofDays(4).plusHours(12)); // day 30.5: c expired, b silent 29.5 days
            Thread.sleep(500); // the check that reads c's folder before retiring it has begun (its own refresh waits for it)
            Device back = b.restart(); // b is back and refreshes itself
            all.add(back);
            assertInstanceOf(StartOutcome.Running.class, back.start("device-1"));
            clock.advance(Duration.ofDays(1)); // day 31.5, while the checker still reads c's folder
            Eventually.until(a.id + " retires c once it read its folder", () -> a.state().devices().get(c.id).status() == DeviceStatus.RETIRED);
            assertEquals(DeviceStatus.PAIRED, a.state().devices().get(b.id).status(),
                    "b was retired on the check's read of day 30.5, unread, though it was not expired then");
        } finally {
            Accounts.closeAll(all);
        }
    }
}
