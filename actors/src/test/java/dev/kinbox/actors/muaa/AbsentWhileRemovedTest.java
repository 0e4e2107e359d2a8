package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A device away while its siblings change: laptop and phone are paired; the phone goes offline; the
 * laptop pairs a tablet; the tablet removes the laptop (lost). The only record the phone can trust
 * that the tablet is paired is the laptop's {@code DevicePaired}, in the laptop's folder. Found by
 * {@code kinbox simulate --seed 13} (2026-12-03): the removal deleted that folder at once, the phone
 * came back to an account it could no longer follow - it never learnt of the tablet, refused the
 * tablet's entries and the tablet's notice (authors it does not know), and the two stayed apart for
 * good, every later edit missing on the other.
 */
class AbsentWhileRemovedTest {
    private static final String ACCOUNT = "ivo@example.org";

    @Test void aDeviceAwayWhileASiblingPairedANewcomerAndWasRemoved_learnsBothWhenItComesBack() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        ShiftedClock clock = new ShiftedClock();
        List<Device> all = new ArrayList<>(Accounts.paired(store, ACCOUNT, clock, RemovalTest.FAST_CHECK, 2));
        try {
            Device laptop = all.get(0), phone = all.get(1);
            phone.close(); // away from here on
            Device tablet = new Device(store, ACCOUNT, clock, RemovalTest.FAST_CHECK);
            all.add(tablet);
            assertInstanceOf(StartOutcome.AwaitingPairing.class, tablet.start("device-2"));
            assertTrue(PairingSteps.byCode(laptop, tablet).isSuccess());
            laptop.awaitUploaded();
            assertEquals(laptop.id, tablet.<String>ask(r -> new Muaa.RemoveDevice(laptop.id, r)));
            laptop.close(); // lost for good
            AccountEvent onTablet = tablet.ask(r -> new Muaa.ChangeSetting("written-on-the-tablet", "t", r));
            assertTrue(store.listFolders().contains(SmaFolders.deviceFolder(laptop.id)),
                    "the removed laptop's folder stays while a sibling away since before its last activity may still come back");

            Device back = phone.restart();
            all.add(back);
            assertInstanceOf(StartOutcome.Running.class, back.start("device-1"));
            Eventually.until("the phone learns the tablet was paired", () -> {
                var rec = back.state().devices().get(tablet.id);
                return rec != null && rec.status() == DeviceStatus.PAIRED;
            });
            Eventually.until("and that the laptop was removed", () -> back.state().devices().get(laptop.id).status() == DeviceStatus.RETIRED);
            Eventually.until("the phone has the tablet's edit", () -> back.state().context().contains(onTablet.dot()));
            AccountEvent onPhone = back.ask(r -> new Muaa.ChangeSetting("written-on-the-phone", "p", r));
            Eventually.until("the tablet has the phone's edit", () -> tablet.state().context().contains(onPhone.dot()));
            Convergence.await(List.of(back, tablet));

            // once the laptop has been silent past the expiry and one announcement interval, its folder goes
            String laptopFolder = SmaFolders.deviceFolder(laptop.id);
            ExpiryTest.advance(clock, java.time.Duration.ofDays(16), List.of(back, tablet));
            assertTrue(store.listFolders().contains(laptopFolder), "not before");
            ExpiryTest.advance(clock, java.time.Duration.ofDays(16), List.of(back, tablet));
            Eventually.until("the laptop's folder is deleted", () -> !store.listFolders().contains(laptopFolder));
        } finally {
            Accounts.closeAll(all);
        }
    }
}
