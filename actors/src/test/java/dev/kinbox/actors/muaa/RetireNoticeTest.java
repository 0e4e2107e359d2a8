package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.Keyring;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The provider as attacker against retirement notices: forged, altered or untrusted ones retire nobody. */
class RetireNoticeTest {
    private static final String ACCOUNT = "kai@example.org";
    private static final Crypto CRYPTO = Crypto.standard();
    /** The provider's own key: it never has a device key. */
    private static OpenPGPKey mallory;

    @BeforeAll static void providerKey() throws Exception {
        mallory = CRYPTO.generateKey("<mallory@kinbox.invalid>");
    }

    /** A notice that {@code retired} was removed, in {@code by}'s name, signed by the provider. */
    private static NewMessage forged(String retired, String by) throws Exception {
        return new RetireNotice(retired, by, System.currentTimeMillis(), RetireNotice.Reason.REMOVED).toMessage(mallory, CRYPTO, Clock.systemUTC());
    }

    @Test void forgedAlteredAndUntrustedNotices_retireNobody_andForgedOnesAreCounted() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        List<Device> all = Accounts.paired(store, ACCOUNT, Clock.systemUTC(), RemovalTest.FAST_CHECK, 2);
        try {
            Device a = all.get(0), b = all.get(1);
            String malloryId = Keyring.deviceIdOf(mallory.toCertificate());
            // 1. a well-formed notice by a device nobody paired: passed over
            store.append(SmaFolders.ANNOUNCEMENTS, forged(b.id, malloryId));
            // 2. a notice in a's name, signed by mallory: refused and counted
            store.append(SmaFolders.ANNOUNCEMENTS, forged(b.id, a.id));
            // 3. a's genuine notice about another device, its header changed to name b: refused and counted
            NewMessage genuine = new RetireNotice(malloryId, a.id, System.currentTimeMillis(), RetireNotice.Reason.REMOVED)
                    .toMessage(a.key, CRYPTO, Clock.systemUTC());
            String raw = new String(genuine.raw(), StandardCharsets.US_ASCII).replace("retired=" + malloryId, "retired=" + b.id);
            store.append(SmaFolders.ANNOUNCEMENTS, NewMessage.of(raw.getBytes(StandardCharsets.US_ASCII)));
            byte[] before = a.digest();

            for (Device d : all) {
                Eventually.until(d.id + " refuses the two forged notices", () -> d.stats().refusedAnnouncements() >= 2);
            }
            Thread.sleep(500); // a few more checks
            for (Device d : all) {
                assertEquals(2, d.stats().refusedAnnouncements(), "the untrusted author's notice is passed over, not counted");
                assertEquals(DeviceStatus.PAIRED, d.state().devices().get(b.id).status(), "nobody retired");
                assertEquals(1, d.keyring.siblings().size());
            }
            assertArrayEquals(before, a.digest(), "nothing persisted");
            assertInstanceOf(StartOutcome.Running.class, b.start("device-1"), "b is not fooled at start either");
            assertTrue(b.<dev.kinbox.persistence.AccountEvent>askReply(r -> new Muaa.ChangeSetting("k", "v", r)).isSuccess());
        } finally {
            Accounts.closeAll(all);
        }
    }

    /**
     * A notice carries a Message-ID made of its author and the device it names, so the provider can plant
     * one in a device's name before that device writes its own. Taken for the genuine one (the author looked
     * for the Message-ID only), it kept the remover's notice out for good, and the removed device, which
     * learns only from a notice, went on as if paired.
     */
    @Test void aNoticePlantedInTheRemoversName_doesNotKeepItsGenuineNoticeOut() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        // default timing: no liveness checks, so the only notice written is the removal's
        List<Device> all = Accounts.paired(store, ACCOUNT, Clock.systemUTC(), Device.FAST, 2);
        try {
            Device a = all.get(0), x = all.get(1);
            store.append(SmaFolders.ANNOUNCEMENTS, forged(x.id, a.id));

            assertEquals(x.id, a.<String>ask(r -> new Muaa.RemoveDevice(x.id, r)));

            assertEquals(List.of(x.id + " by " + a.id), RemovalTest.notices(store), "the remover's notice in place of the planted one");
            StartOutcome.Retired told = assertInstanceOf(StartOutcome.Retired.class, x.start("device-1"), "the removed device is told");
            assertTrue(told.reason().contains("removed by device " + a.id), told.reason());
        } finally {
            Accounts.closeAll(all);
        }
    }
}
