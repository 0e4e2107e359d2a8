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
}
