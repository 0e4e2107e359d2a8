package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.journal.KinboxJournalRuntime;
import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaHeader;
import dev.kinbox.journal.sma.SmaMessage;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Three devices of one account over their whole life on a memory mail store: paired, concurrent
 * edits, one offline that catches up, one expiring, one removed by hand. The clock is moved over
 * weeks; the liveness check runs every 150 ms.
 */
class FullLifeTest {
    private static final String ACCOUNT = "jo@example.org";

    @Test void threeDevices_pairEditGoOfflineExpireAndAreRemoved() throws Exception {
        System.out.printf("full life of three devices on the memory store: %d ms%n", run(new MemoryMailStore()));
    }

    /** The whole scenario on {@code store}; returns how long it took in milliseconds. */
    static long run(MailStore store) throws Exception {
        ShiftedClock clock = new ShiftedClock();
        long t0 = System.nanoTime();
        List<Device> all = Accounts.paired(store, ACCOUNT, clock, ExpiryTest.TIMING, 3);
        Device c2 = null;
        try {
            Device a = all.get(0), b = all.get(1), c = all.get(2);
            edit(all, "round-1");
            Convergence.await(all);
            for (Device d : all) assertEquals(d.id + "-round-1", c.state().settings().get("own-" + d.id).value());

            // c goes offline; a and b go on editing; c comes back and catches up
            c.close();
            edit(List.of(a, b), "while-c-away");
            Convergence.await(List.of(a, b));
            c2 = c.restart();
            assertInstanceOf(StartOutcome.Running.class, c2.start("device-2"));
            edit(List.of(c2), "back");
            Convergence.await(List.of(a, b, c2));
            assertEquals(b.id + "-while-c-away", c2.state().settings().get("own-" + b.id).value());

            // c goes silent for good and expires; a and b keep running and refresh themselves
            c2.close();
            for (int day = 10; day <= 40; day += 10) ExpiryTest.advance(clock, Duration.ofDays(10), List.of(a, b));
            for (Device d : List.of(a, b)) {
                Eventually.until(d.id + " retires the expired device", () -> d.state().devices().get(c.id).status() == DeviceStatus.RETIRED);
            }

            // b is removed by hand; it keeps running but cannot read what a writes afterwards
            assertEquals(b.id, a.<String>ask(r -> new Muaa.RemoveDevice(b.id, r)));
            assertTrue(a.keyring.siblings().isEmpty(), "a encrypts to nobody else now");
            a.<AccountEvent>ask(r -> new Muaa.ChangeSetting("after-removal", "secret", r));
            assertTrue(KinboxJournalRuntime.get(a.kit.system().classicSystem()).awaitUploaded(
                    SmaFolders.devicePersistenceId(ACCOUNT, a.id), Duration.ofSeconds(10)));
            byte[] newest = newestEntryBody(store, a.id);
            Crypto crypto = Crypto.standard();
            assertTrue(crypto.decryptAndVerify(newest, List.of(a.key), List.of()).plaintext().length > 0, "the remover reads its entry");
            assertThrows(CryptoException.class, () -> crypto.decryptAndVerify(newest, List.of(b.key), List.of()),
                    "the removed device, holding its key and reading the server, cannot decrypt it");
            Thread.sleep(300);
            assertNull(b.state().settings().get("after-removal"));
            assertEquals("secret", a.state().settings().get("after-removal").value());
            assertTrue(assertInstanceOf(StartOutcome.Retired.class, b.start("device-1")).reason().contains(a.id));
            return (System.nanoTime() - t0) / 1_000_000;
        } finally {
            Accounts.closeAll(all);
            if (c2 != null) c2.close();
        }
    }

    /** The body of the journal entry with the highest UID in {@code deviceId}'s folder. */
    static byte[] newestEntryBody(MailStore store, String deviceId) throws Exception {
        byte[] body = null;
        for (StoredMessage m : store.fetch(SmaFolders.deviceFolder(deviceId), UidRange.all(), Fetch.FULL)) {
            if (!m.vanished() && SmaMessage.header(m).kind() == SmaHeader.Kind.JOURNAL) body = SmaMessage.body(m, 1 << 24); // vanished: expunged meanwhile
        }
        if (body == null) throw new AssertionError("no journal entry in the folder of " + deviceId);
        return body;
    }

    /** Concurrent edits: every device sets a shared key and its own. */
    private static void edit(List<Device> devices, String round) {
        for (Device d : devices) {
            d.<AccountEvent>ask(r -> new Muaa.ChangeSetting("shared", d.id + "-" + round, r));
            d.<AccountEvent>ask(r -> new Muaa.ChangeSetting("own-" + d.id, d.id + "-" + round, r));
        }
    }
}
