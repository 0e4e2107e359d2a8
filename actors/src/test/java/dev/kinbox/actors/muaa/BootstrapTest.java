package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.Test;

/** Bootstrap and announcements on the real SMA folders of a memory mail store. */
class BootstrapTest {
    private static final String ACCOUNT = "erin@example.org";

    @Test void firstDevice_createsFoldersAccountKeyAndOneSignedAnnouncement() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        try (Device a = new Device(store, ACCOUNT, Clock.systemUTC(), Device.FAST)) {
            StartOutcome.Bootstrapped b = assertInstanceOf(StartOutcome.Bootstrapped.class, a.start("laptop"));
            assertEquals(List.of(), b.unannounced(), "an empty account: no other device's folder");
            assertTrue(store.listFolders().containsAll(List.of(SmaFolders.ANNOUNCEMENTS, SmaFolders.deviceFolder(a.id))));
            AccountState s = a.state();
            assertEquals(DeviceStatus.PAIRED, s.devices().get(a.id).status());
            assertEquals(1, s.accountKeys().size());
            assertEquals(b.accountKeyFingerprint(), s.currentKeyFingerprint().orElseThrow());
            List<StoredMessage> ann = store.fetch(SmaFolders.ANNOUNCEMENTS, UidRange.all(), Fetch.FULL);
            assertEquals(1, ann.size());
            Announcement verified = Announcement.verify(ann.get(0), Crypto.standard());
            assertEquals(a.id, verified.deviceId());
            assertEquals("laptop", verified.name());
            assertTrue(ann.get(0).header("Message-ID").get(0).startsWith("<announce." + a.id + ".active-"));

            StartOutcome again = a.start("laptop");
            assertInstanceOf(StartOutcome.Running.class, again, "a paired device just runs");
            assertEquals(1, a.state().accountKeys().size(), "no second key");
            assertEquals(1, store.fetch(SmaFolders.ANNOUNCEMENTS, UidRange.all(), Fetch.HEADERS).size(), "not re-announced within a day");
        }
    }

    /**
     * The provider deleted every announcement: the newcomer cannot tell the account from an empty one and
     * bootstraps, but it names the devices whose folders it found, so its user can be told to pair it.
     */
    @Test void aNewcomerWhoFindsNoAnnouncement_butOtherDevicesFolders_bootstraps_andNamesThoseDevices() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        List<Device> paired = Accounts.paired(store, ACCOUNT, Clock.systemUTC(), Device.FAST, 2);
        try (Device fresh = new Device(store, ACCOUNT, Clock.systemUTC(), Device.FAST)) {
            for (StoredMessage m : store.fetch(SmaFolders.ANNOUNCEMENTS, UidRange.all(), Fetch.HEADERS)) {
                store.faults().deleteMessage(SmaFolders.ANNOUNCEMENTS, m.uid());
            }
            StartOutcome.Bootstrapped b = assertInstanceOf(StartOutcome.Bootstrapped.class, fresh.start("tablet"));
            assertEquals(paired.stream().map(d -> d.id).sorted().toList(), b.unannounced());
        } finally {
            Accounts.closeAll(paired);
        }
    }

    @Test void firstDevice_whileTheServerRestarts_bootstrapsOnceItIsBack() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        // the first two LISTs (looking for the announcements) meet a server restarting: connections refused a moment
        java.util.concurrent.atomic.AtomicInteger refusals = new java.util.concurrent.atomic.AtomicInteger(2);
        dev.kinbox.journal.mail.MailStore restarting = new dev.kinbox.journal.mail.ForwardingMailStore(store) {
            @Override public List<String> listFolders() {
                if (refusals.getAndDecrement() > 0) throw new dev.kinbox.journal.mail.MailStoreException.ConnectionLost("LIST: server restarting", null);
                return super.listFolders();
            }
        };
        try (Device a = new Device(restarting, ACCOUNT, Clock.systemUTC(), Device.FAST)) {
            assertInstanceOf(StartOutcome.Bootstrapped.class, a.start("laptop"), "not 'start failed: connection lost'");
            assertEquals(1, store.fetch(SmaFolders.ANNOUNCEMENTS, UidRange.all(), Fetch.HEADERS).size(), "announced once");
        }
    }

    @Test void laterDevice_verifiesAnnouncements_refusesForgedOnes_andAwaitsPairing() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        try (Device a = new Device(store, ACCOUNT, Clock.systemUTC(), Device.FAST)) {
            a.start("laptop");
            // the provider forges an announcement: a's header and body text, signed by another key
            OpenPGPKey mallory = Crypto.standard().generateKey("<mallory@kinbox.invalid>");
            Announcement genuine = Announcement.verify(store.fetch(SmaFolders.ANNOUNCEMENTS, UidRange.all(), Fetch.FULL).get(0), Crypto.standard());
            Announcement fake = new Announcement(a.id, genuine.certificate(), "evil", genuine.activeAt() + 1);
            NewMessage forged = fake.toMessage(mallory, Crypto.standard(), Clock.systemUTC());
            store.append(SmaFolders.ANNOUNCEMENTS, forged);
            store.append(SmaFolders.ANNOUNCEMENTS, NewMessage.of("Subject: junk\r\n\r\nnothing\r\n".getBytes(StandardCharsets.US_ASCII)));
            try (Device b = new Device(store, ACCOUNT, Clock.systemUTC(), Device.FAST)) {
                StartOutcome.AwaitingPairing w = assertInstanceOf(StartOutcome.AwaitingPairing.class, b.start("phone"));
                assertEquals(1, w.others().size());
                assertEquals("laptop", w.others().get(0).name(), "the forged newer announcement is not taken");
                assertEquals(2, b.stats().refusedAnnouncements());
                AccountState s = b.state();
                assertEquals(DeviceStatus.ANNOUNCED, s.devices().get(b.id).status());
                assertTrue(s.accountKeys().isEmpty(), "a joining device makes no account key");
                assertTrue(store.listFolders().contains(SmaFolders.deviceFolder(b.id)));
            }
        }
    }

    @Test void twoDevicesStartingTogether_bothWork_andAgreeOnOneAccountKeyOncePaired() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        try (Device a = new Device(store, ACCOUNT, Clock.systemUTC(), Device.FAST);
             Device b = new Device(store, ACCOUNT, Clock.systemUTC(), Device.FAST)) {
            CompletableFuture<StartOutcome> fa = CompletableFuture.supplyAsync(() -> a.start("laptop"));
            CompletableFuture<StartOutcome> fb = CompletableFuture.supplyAsync(() -> b.start("phone"));
            StartOutcome oa = fa.get(), ob = fb.get();
            assertTrue(oa instanceof StartOutcome.Bootstrapped || ob instanceof StartOutcome.Bootstrapped, "at least one bootstrapped");
            Device first = oa instanceof StartOutcome.Bootstrapped ? a : b;
            Device second = first == a ? b : a;
            PairingSteps.byCode(first, second);
            Convergence.await(List.of(a, b));
            AccountState sa = a.state(), sb = b.state();
            assertEquals(sa.currentKeyFingerprint(), sb.currentKeyFingerprint(), "one agreed account key");
            long keys = (oa instanceof StartOutcome.Bootstrapped ? 1 : 0) + (ob instanceof StartOutcome.Bootstrapped ? 1 : 0);
            assertEquals(keys, sa.accountKeys().size(), "every generated key is kept for decryption");
            a.<dev.kinbox.persistence.AccountEvent>ask(r -> new Muaa.ChangeSetting("after", "a", r));
            b.<dev.kinbox.persistence.AccountEvent>ask(r -> new Muaa.ChangeSetting("after2", "b", r));
            Convergence.await(List.of(a, b));
            assertEquals("b", a.state().settings().get("after2").value(), "both keep working and replicating");
            assertArrayEquals(a.digest(), b.digest());
        }
    }
}
