package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Expiry on a memory mail store, with a clock the test moves over weeks while the liveness check runs every 150 ms. */
class ExpiryTest {
    private static final String ACCOUNT = "ines@example.org";
    static final Environment.Timing TIMING = new Environment.Timing(Duration.ofMillis(50), Duration.ofSeconds(8),
            Duration.ofDays(30), Duration.ofDays(1), Duration.ofMillis(150));

    /**
     * Moves the clock and waits until every running device refreshed itself and every one saw the
     * others' refresh: the test compresses weeks into seconds, so it must not outrun replication
     * (in real time a few seconds of lag are nothing next to {@code expireAfter}).
     */
    static void advance(ShiftedClock clock, Duration by, List<Device> running) throws InterruptedException {
        clock.advance(by);
        long now = clock.millis() - 1000;
        for (Device d : running) {
            for (Device o : running) {
                Eventually.until(d.id + " sees " + o.id + " refreshed", () -> d.state().devices().get(o.id).lastActive() >= now);
            }
        }
    }

    @Test void silentDevice_isRetiredBySiblings_afterExpireAfter_whileRunningOnesRefreshThemselves() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        ShiftedClock clock = new ShiftedClock();
        List<Device> all = Accounts.paired(store, ACCOUNT, clock, TIMING, 3);
        Device back = null;
        try {
            Device a = all.get(0), b = all.get(1), c = all.get(2);
            long ownDots = a.state().context().contiguous(a.id);
            Thread.sleep(1000); // several checks within one announceEvery
            assertEquals(ownDots, a.state().context().contiguous(a.id), "no refresh more often than announceEvery");

            c.close(); // offline from now on
            for (int day = 5; day <= 35; day += 5) {
                advance(clock, Duration.ofDays(5), List.of(a, b));
                if (day == 25) assertEquals(DeviceStatus.PAIRED, a.state().devices().get(c.id).status(), "not expired before expireAfter");
            }
            for (Device d : List.of(a, b)) {
                Eventually.until(d.id + " retires the silent device", () -> d.state().devices().get(c.id).status() == DeviceStatus.RETIRED);
                assertEquals(DeviceStatus.PAIRED, d.state().devices().get(a.id).status(), "running devices stay");
                assertEquals(DeviceStatus.PAIRED, d.state().devices().get(b.id).status());
                assertEquals(1, d.keyring.siblings().size());
            }
            String folder = SmaFolders.deviceFolder(c.id);
            Eventually.until("its folder is deleted", () -> !store.listFolders().contains(folder));
            assertFalse(RemovalTest.announcedDevices(store).contains(c.id), "and its announcement");
            assertEquals(2, RemovalTest.announcedDevices(store).size(), "one current announcement per running device");
            assertTrue(RemovalTest.notices(store).stream().anyMatch(n -> n.startsWith(c.id + " by ")));
            Convergence.await(List.of(a, b));

            back = c.restart();
            StartOutcome.Retired told = assertInstanceOf(StartOutcome.Retired.class, back.start("device-2"));
            assertTrue(told.reason().contains("silent too long"), told.reason());
        } finally {
            Accounts.closeAll(all);
            if (back != null) back.close();
        }
    }

    /**
     * A new device that waited weeks for its pairing (its announcement that old) and is put away right
     * after it: its silence counts from the pairing, not from its announcement.
     */
    @Test void newcomer_pairedWeeksAfterItAnnounced_isSilentOnlyFromItsPairing() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        ShiftedClock clock = new ShiftedClock();
        List<Device> all = Accounts.paired(store, ACCOUNT, clock, TIMING, 2);
        Device a = all.get(0), b = all.get(1);
        // its first check would refresh it; here the phone is put away before it runs one
        Environment.Timing noCheck = new Environment.Timing(TIMING.dropPoll(), TIMING.pairingTimeout(), TIMING.expireAfter(),
                TIMING.announceEvery(), Duration.ofHours(1));
        Device phone = new Device(store, ACCOUNT, clock, noCheck);
        try {
            assertInstanceOf(StartOutcome.AwaitingPairing.class, phone.start("new phone"));
            advance(clock, Duration.ofDays(28), List.of(a, b));
            var paired = PairingSteps.byCode(a, phone);
            assertTrue(paired.isSuccess(), () -> "pairing: " + paired);
            for (Device d : List.of(a, b)) {
                Eventually.until(d.id + " has the phone as paired", () -> d.state().devices().get(phone.id) != null
                        && d.state().devices().get(phone.id).status() == DeviceStatus.PAIRED);
            }
            phone.close();

            advance(clock, Duration.ofDays(4), List.of(a, b)); // 32 days after its announcement, 4 after its pairing
            Thread.sleep(1000); // several checks
            for (Device d : List.of(a, b)) {
                assertEquals(DeviceStatus.PAIRED, d.state().devices().get(phone.id).status(), d.id + " keeps the phone paired");
            }

            advance(clock, Duration.ofDays(27), List.of(a, b)); // 31 days after its pairing
            for (Device d : List.of(a, b)) {
                Eventually.until(d.id + " retires the phone 30 days after its pairing",
                        () -> d.state().devices().get(phone.id).status() == DeviceStatus.RETIRED);
            }
        } finally {
            phone.close();
            Accounts.closeAll(all);
        }
    }
}
