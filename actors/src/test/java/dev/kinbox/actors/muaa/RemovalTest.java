package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.KinboxJournalRuntime;
import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaHeader;
import dev.kinbox.journal.sma.SmaMessage;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;

/** Removing a device by hand, on a memory mail store: what it can still read, what siblings refuse, what it is told. */
class RemovalTest {
    private static final String ACCOUNT = "hana@example.org";
    static final Environment.Timing FAST_CHECK = new Environment.Timing(Duration.ofMillis(50), Duration.ofSeconds(8),
            Duration.ofDays(30), Duration.ofDays(1), Duration.ofMillis(150));

    @Test void removedDevice_cannotReadNewEntries_itsOwnAreRefused_andSiblingsConverge() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        // default timing: the removed device runs no liveness check here, so it does not learn of the removal by itself
        List<Device> all = Accounts.paired(store, ACCOUNT, Clock.systemUTC(), Device.FAST, 3);
        try {
            Device a = all.get(0), b = all.get(1), x = all.get(2);
            assertEquals(x.id, a.<String>ask(r -> new Muaa.RemoveDevice(x.id, r)));
            assertEquals(DeviceStatus.RETIRED, a.state().devices().get(x.id).status());
            assertTrue(store.listFolders().contains(SmaFolders.deviceFolder(x.id)), "the folder stays until the device has been silent past the expiry: a sibling away meanwhile may still need it (AbsentWhileRemovedTest)");
            assertFalse(announcedDevices(store).contains(x.id), "and the announcement");
            assertTrue(notices(store).contains(x.id + " by " + a.id), "a notice signed by the remover is left for the removed device");
            Eventually.until("the sibling learns the removal", () -> b.state().devices().get(x.id).status() == DeviceStatus.RETIRED);
            for (Device d : List.of(a, b)) {
                assertTrue(d.keyring.siblings().stream().noneMatch(p -> p.deviceId().equals(x.id)), "nothing is encrypted to it any more");
            }

            // the baseline comes before the edits: x may meet (and count) their entries while a and b converge
            long refusedBefore = x.journalStats().untrusted.sum();
            a.<AccountEvent>ask(r -> new Muaa.ChangeSetting("after-removal-a", "secret-a", r));
            b.<AccountEvent>ask(r -> new Muaa.ChangeSetting("after-removal-b", "secret-b", r));
            x.<AccountEvent>ask(r -> new Muaa.ChangeSetting("from-removed", "x", r)); // it does not know yet
            Convergence.await(List.of(a, b));
            Eventually.until("the removed device meets entries it cannot decrypt", () -> x.journalStats().untrusted.sum() > refusedBefore);
            Thread.sleep(500); // give it time to (wrongly) apply anything
            var xs = x.state();
            assertNull(xs.settings().get("after-removal-a"), "the removed device cannot read the remover's new entries");
            assertNull(xs.settings().get("after-removal-b"), "nor the sibling's");
            assertEquals("x", xs.settings().get("from-removed").value());
            assertNull(a.state().settings().get("from-removed"), "no sibling applies the removed device's new entries");
            assertNull(b.state().settings().get("from-removed"));

            // reading the removed device's folder directly: every entry refused and counted, none emitted
            assertTrue(KinboxJournalRuntime.get(x.kit.system().classicSystem()).awaitUploaded(pid(x), Duration.ofSeconds(10)));
            long untrusted = a.journalStats().untrusted.sum();
            var read = KinboxJournalRuntime.get(a.kit.system().classicSystem()).events(pid(x), 0L, Long.MAX_VALUE, false)
                    .runWith(Sink.seq(), a.kit.system()).toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(List.of(), read);
            assertTrue(a.journalStats().untrusted.sum() > untrusted, "refused entries are counted as untrusted");

            // it learns at its next start, and then stops writing
            StartOutcome.Retired told = assertInstanceOf(StartOutcome.Retired.class, x.start("device-2"));
            assertTrue(told.reason().contains("removed by device " + a.id), told.reason());
            StatusReply<AccountEvent> refused = x.askReply(r -> new Muaa.ChangeSetting("k", "v", r));
            assertTrue(refused.isError() && refused.getError().getMessage().contains("pair again"), () -> "" + refused);
        } finally {
            Accounts.closeAll(all);
        }
    }

    @Test void removingThisDevice_isRefusedUnlessAskedExplicitly_thenSiblingsRetireItFromItsNotice() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        List<Device> all = Accounts.paired(store, ACCOUNT, Clock.systemUTC(), FAST_CHECK, 2);
        try {
            Device a = all.get(0), b = all.get(1);
            byte[] before = b.digest();
            StatusReply<String> r = b.askReply(x -> new Muaa.RemoveDevice(b.id, x));
            assertTrue(r.isError() && r.getError().getMessage().contains("evenThisDevice"), () -> "" + r);
            assertArrayEquals(before, b.digest(), "a refused removal changes nothing");
            StatusReply<String> unknown = b.askReply(x -> new Muaa.RemoveDevice("0123456789abcdef", x));
            assertTrue(unknown.isError(), "an unknown device is an error");
            StatusReply<String> junk = b.askReply(x -> new Muaa.RemoveDevice("../INBOX", x));
            assertTrue(junk.isError(), "a malformed id is an error");
            assertArrayEquals(before, b.digest());

            assertEquals(b.id, b.<String>ask(x -> new Muaa.RemoveDevice(b.id, true, x)));
            assertInstanceOf(StartOutcome.Retired.class, b.start("device-1"));
            assertFalse(announcedDevices(store).contains(b.id), "a leaving device deletes its announcement");
            Eventually.until("the sibling retires the device that left", () -> a.state().devices().get(b.id).status() == DeviceStatus.RETIRED);
            Thread.sleep(500); // several more checks of a
            assertEquals(List.of(b.id + " by " + b.id), notices(store), "b's own notice that it left is the only one: a writes none of its own");
            String folder = SmaFolders.deviceFolder(b.id);
            assertTrue(store.listFolders().contains(folder), "the folder stays until the device has been silent past the expiry: a sibling away meanwhile may still need it (AbsentWhileRemovedTest)");
            assertTrue(a.keyring.siblings().isEmpty());
            assertTrue(a.<AccountEvent>askReply(x -> new Muaa.ChangeSetting("still", "works", x)).isSuccess());
        } finally {
            Accounts.closeAll(all);
        }
    }

    /**
     * A leaver refuses edits while its notice goes up, and retires itself only after: a sibling that reads the notice
     * reads the leaver's folder to its end and retires it, refusing its entries from then on, so an edit written in
     * between could be missing from the folder then and lost.
     */
    @Test void aLeaver_refusesEditsWhileItsNoticeGoesUp_andRetiresItselfOnlyOnceItIsThere() throws Exception {
        MemoryMailStore shared = new MemoryMailStore();
        SwitchedServer store = new SwitchedServer(shared);
        List<Device> all = Accounts.paired(store, ACCOUNT, Clock.systemUTC(), FAST_CHECK, 2);
        try {
            Device a = all.get(0), b = all.get(1);
            store.heldMessage.set(new RetireNotice(b.id, b.id, 0, RetireNotice.Reason.LEFT).header().messageId());
            TestProbe<StatusReply<String>> leave = b.kit.createTestProbe();
            b.muaa.tell(new Muaa.RemoveDevice(b.id, true, leave.ref()));
            assertTrue(store.holding.await(Device.WAIT.toSeconds(), TimeUnit.SECONDS), "b's notice that it leaves goes up");
            StatusReply<AccountEvent> edit = b.askReply(x -> new Muaa.ChangeSetting("written-while-leaving", "b", x));
            DeviceStatus meanwhile = b.state().devices().get(b.id).status();
            store.release.countDown();
            assertTrue(edit.isError() && edit.getError().getMessage().contains("leaving the account"), () -> "refused while the notice goes up: " + edit);
            assertEquals(DeviceStatus.PAIRED, meanwhile, "b retires itself only once its notice is there");
            assertEquals(b.id, leave.receiveMessage(Device.WAIT).getValue());
            assertEquals(DeviceStatus.RETIRED, b.state().devices().get(b.id).status());
            Eventually.until("the sibling retires the device that left", () -> a.state().devices().get(b.id).status() == DeviceStatus.RETIRED);
            assertEquals(List.of(b.id + " by " + b.id), notices(shared), "b's own notice, held a while, is the only one");
            assertNull(a.state().settings().get("written-while-leaving"));
        } finally {
            store.release.countDown();
            Accounts.closeAll(all);
        }
    }

    @Test void twoSiblingsRemovingTheSameDeviceAtOnce_isHarmless() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        List<Device> all = Accounts.paired(store, ACCOUNT, Clock.systemUTC(), FAST_CHECK, 3);
        try {
            Device a = all.get(0), b = all.get(1), x = all.get(2);
            x.close();
            var ra = CompletableFuture.supplyAsync(() -> a.<String>askReply(r -> new Muaa.RemoveDevice(x.id, r)));
            var rb = CompletableFuture.supplyAsync(() -> b.<String>askReply(r -> new Muaa.RemoveDevice(x.id, r)));
            assertTrue(ra.get().isSuccess(), () -> "" + ra.join());
            assertTrue(rb.get().isSuccess(), () -> "" + rb.join());
            Convergence.await(List.of(a, b));
            assertEquals(DeviceStatus.RETIRED, a.state().devices().get(x.id).status());
            assertTrue(store.listFolders().contains(SmaFolders.deviceFolder(x.id)), "the folder stays until the device has been silent past the expiry: a sibling away meanwhile may still need it (AbsentWhileRemovedTest)");
            assertEquals(1, a.keyring.siblings().size());
            assertTrue(a.<AccountEvent>askReply(r -> new Muaa.ChangeSetting("k", "v", r)).isSuccess());
            Convergence.await(List.of(a, b));
            assertEquals("v", b.state().settings().get("k").value());
        } finally {
            Accounts.closeAll(all);
        }
    }

    @Test void aRemoval_firstReadsWhatTheRemovedDeviceUploaded_soNothingItWroteBeforeIsLostWithItsFolder() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        List<Device> all = Accounts.paired(store, ACCOUNT, Clock.systemUTC(), Device.FAST, 3);
        Device back = null;
        try {
            Device a = all.get(0), b = all.get(1), x = all.get(2);
            a.close(); // the remover is away while x writes its last entry and vanishes
            x.<AccountEvent>ask(r -> new Muaa.ChangeSetting("last-word-of-x", "kept", r));
            x.awaitUploaded();
            x.close();
            back = a.restart(); // its sibling streams have not read x's folder yet when it is asked to remove x
            Device remover = back;
            assertEquals(x.id, remover.<String>ask(r -> new Muaa.RemoveDevice(x.id, r)));
            var after = remover.state();
            assertEquals(DeviceStatus.RETIRED, after.devices().get(x.id).status());
            var kept = after.settings().get("last-word-of-x");
            assertNotNull(kept, "x's last entry was read before the retirement (its folder goes later, once x is silent past the expiry)");
            assertEquals("kept", kept.value());
            Convergence.await(List.of(remover, b));
        } finally {
            Accounts.closeAll(all);
            if (back != null) back.close();
        }
    }

    @Test void retiredDeviceComingBack_isToldSo_stopsWorking_andPairsAgainWithANewKey() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        List<Device> all = Accounts.paired(store, ACCOUNT, Clock.systemUTC(), FAST_CHECK, 2);
        Device back = null, fresh = null;
        try {
            Device a = all.get(0), x = all.get(1);
            x.close();
            a.<String>ask(r -> new Muaa.RemoveDevice(x.id, r));
            String xFolder = SmaFolders.deviceFolder(x.id);
            long held = store.status(xFolder).messages();
            back = x.restart();
            StartOutcome.Retired told = assertInstanceOf(StartOutcome.Retired.class, back.start("device-1"));
            assertEquals(x.id, told.deviceId());
            assertTrue(told.reason().contains(a.id) && told.reason().contains("new device key"), told.reason());
            Device b2 = back;
            assertTrue(b2.<AccountEvent>askReply(r -> new Muaa.ChangeSetting("k", "v", r)).isError(), "a retired device writes nothing");
            var pairing = b2.kit.<StatusReply<PairingOutcome.Paired>>createTestProbe();
            StatusReply<PairingOutcome.Started> again = b2.askReply(r -> new Muaa.RequestPairing(a.id,
                    PairingApprover.PairingMethod.CODE, r, pairing.getRef()));
            assertTrue(again.isError(), "the old key cannot pair again");
            Thread.sleep(400);
            assertTrue(b2.state().settings().get("k") == null && store.status(xFolder).messages() == held,
                    "nothing was written into the account");

            fresh = new Device(store, ACCOUNT, Clock.systemUTC(), FAST_CHECK);
            assertInstanceOf(StartOutcome.AwaitingPairing.class, fresh.start("device-1 again"));
            assertTrue(PairingSteps.byCode(a, fresh).isSuccess());
            PairingTest.awaitPaired(a, fresh.id);
            Convergence.await(List.of(a, fresh));
            assertEquals(DeviceStatus.RETIRED, fresh.state().devices().get(x.id).status());
        } finally {
            Accounts.closeAll(all);
            if (back != null) back.close();
            if (fresh != null) fresh.close();
        }
    }

    @Test void removal_withKeyRotationAsked_givesTheSiblingsANewKey_thatTheRemovedDeviceNeverGets() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        List<Device> all = Accounts.paired(store, ACCOUNT, Clock.systemUTC(), Device.FAST, 3);
        try {
            Device a = all.get(0), b = all.get(1), x = all.get(2);
            a.<AccountEvent>ask(r -> new Muaa.ChangeSetting(Muaa.ROTATE_KEY_ON_REMOVAL, "true", r));
            Convergence.await(all);
            String old = a.state().currentKeyFingerprint().orElseThrow();
            a.<String>ask(r -> new Muaa.RemoveDevice(x.id, r));
            Eventually.until("the remover rotates the key", () -> !old.equals(a.state().currentKeyFingerprint().orElseThrow()));
            String rotated = a.state().currentKeyFingerprint().orElseThrow();
            assertTrue(a.state().accountKeys().get(old).revoked(), "the old key is revoked for new mail");
            assertEquals(2, a.state().accountKeys().size(), "and kept for decrypting older mail");
            Eventually.until("the sibling gets the new key", () -> rotated.equals(b.state().currentKeyFingerprint().orElse("")));
            long refused = x.journalStats().untrusted.sum();
            a.<AccountEvent>ask(r -> new Muaa.ChangeSetting("after", "rotation", r));
            Eventually.until("the removed device meets the later entries", () -> x.journalStats().untrusted.sum() > refused);
            Thread.sleep(300);
            assertFalse(x.state().accountKeys().containsKey(rotated), "the removed device never gets the new key");
            assertEquals(old, x.state().currentKeyFingerprint().orElseThrow());
        } finally {
            Accounts.closeAll(all);
        }
    }

    static String pid(Device d) throws Exception {
        return SmaFolders.devicePersistenceId(ACCOUNT, d.id);
    }

    /** Devices with an announcement (any, verified or not) in {@code _Autocrypt_SMA}. */
    static List<String> announcedDevices(MemoryMailStore store) throws Exception {
        return headers(store).stream().filter(h -> h.kind() == SmaHeader.Kind.ANNOUNCE).map(SmaHeader::device).toList();
    }

    /** Deletes {@code deviceId}'s announcements from {@code _Autocrypt_SMA}, as a provider withholding them would. */
    static void deleteAnnouncements(MemoryMailStore store, String deviceId) throws Exception {
        List<Long> uids = new java.util.ArrayList<>();
        for (var m : store.fetch(SmaFolders.ANNOUNCEMENTS, UidRange.all(), Fetch.HEADERS)) {
            SmaHeader h = SmaMessage.header(m);
            if (h.kind() == SmaHeader.Kind.ANNOUNCE && h.device().equals(deviceId)) uids.add(m.uid());
        }
        store.delete(SmaFolders.ANNOUNCEMENTS, uids);
    }

    /** The notices in {@code _Autocrypt_SMA}, as "retired by author" (unchecked, for conditions waited on). */
    static List<String> notices(MemoryMailStore store) {
        try {
            return headers(store).stream().filter(RetireNotice::isNotice).map(h -> h.attributes().get("retired") + " by " + h.device()).toList();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<SmaHeader> headers(MemoryMailStore store) throws Exception {
        List<SmaHeader> out = new java.util.ArrayList<>();
        for (var m : store.fetch(SmaFolders.ANNOUNCEMENTS, UidRange.all(), Fetch.HEADERS)) out.add(SmaMessage.header(m));
        return out;
    }
}
