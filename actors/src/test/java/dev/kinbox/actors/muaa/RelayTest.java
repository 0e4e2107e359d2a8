package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.persistence.AccountEvent;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An entry its author sealed before it knew of a newcomer cannot be opened by the newcomer, and an
 * author that left for good never snapshots for it. A sibling that reads such an entry after it paired
 * the newcomer relays what it learned (its state, sealed to every sibling it knows): without that, the
 * newcomer missed the edit for good (a simulator run failed no_lost_edits this way, 2026-12-03 CI).
 */
class RelayTest {
    private static final String ACCOUNT = "rey@example.org";

    @Test void anEntrySealedBeforeANewcomerWasPaired_reachesItThroughTheSiblingThatReadItAfterThePairing() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        List<Device> pair = Accounts.paired(store, ACCOUNT, Clock.systemUTC(), Device.FAST, 2);
        Device a = pair.get(0), r = pair.get(1), r2 = null, f = null;
        try {
            r.close(); // r reads nothing while a writes
            String aFolder = Provider.folder(a.id);
            long firstNew = store.status(aFolder).uidNext();
            AccountEvent edit = a.ask(reply -> new Muaa.ChangeSetting("written-before-f", "by a", reply));
            a.awaitUploaded();
            long next = store.status(aFolder).uidNext();
            assertTrue(next > firstNew, "a uploaded its edit");
            // the provider delivers a's entry late: taken out now, stored again (under a new UID) once f is paired
            List<byte[]> late = store.fetch(aFolder, UidRange.from(firstNew), Fetch.FULL).stream().map(m -> m.raw()).toList();
            for (long uid = firstNew; uid < next; uid++) store.faults().deleteMessage(aFolder, uid);
            a.close(); // a leaves for good: it never learns of f

            r2 = r.restart();
            assertInstanceOf(StartOutcome.Running.class, r2.start("device-1"));
            f = new Device(store, ACCOUNT, Clock.systemUTC(), Device.FAST);
            assertInstanceOf(StartOutcome.AwaitingPairing.class, f.start("device-2"));
            assertTrue(PairingSteps.byCode(r2, f).isSuccess());
            Device reader = r2, newcomer = f;
            Eventually.until("f paired and in agreement with r", () -> java.util.Arrays.equals(reader.digest(), newcomer.digest()));
            assertFalse(f.state().context().contains(edit.dot()), "the edit is not delivered yet");

            for (byte[] raw : late) store.append(aFolder, NewMessage.of(raw)); // r reads a's entry now, sealed to a and r only
            Eventually.until("r applies a's edit", () -> reader.state().context().contains(edit.dot()));
            Eventually.until("f has a's edit, relayed by r", () -> newcomer.state().context().contains(edit.dot()));
            Eventually.until("r and f agree", () -> java.util.Arrays.equals(reader.digest(), newcomer.digest()));
            assertArrayEquals(r2.digest(), f.digest());
            assertTrue(f.journalStats().untrusted.sum() > 0, "f could not open a's entry itself: it came through r");
        } finally {
            a.close();
            if (r2 != null) r2.close();
            if (f != null) f.close();
        }
    }

    @Test void aDeviceLeavingInOrder_readsItsSiblingsToTheEndFirst_soTheNewcomerStillGetsTheEdit() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        List<Device> pair = Accounts.paired(store, ACCOUNT, Clock.systemUTC(), Device.FAST, 2);
        Device a = pair.get(0), r = pair.get(1), r2 = null, f = null;
        try {
            r.close();
            String aFolder = Provider.folder(a.id);
            long firstNew = store.status(aFolder).uidNext();
            AccountEvent edit = a.ask(reply -> new Muaa.ChangeSetting("written-before-f", "by a", reply));
            a.awaitUploaded();
            long next = store.status(aFolder).uidNext();
            List<byte[]> late = store.fetch(aFolder, UidRange.from(firstNew), Fetch.FULL).stream().map(m -> m.raw()).toList();
            for (long uid = firstNew; uid < next; uid++) store.faults().deleteMessage(aFolder, uid);
            a.close(); // a leaves for good

            r2 = r.restart();
            assertInstanceOf(StartOutcome.Running.class, r2.start("device-1"));
            f = new Device(store, ACCOUNT, Clock.systemUTC(), Device.FAST);
            assertInstanceOf(StartOutcome.AwaitingPairing.class, f.start("device-2"));
            assertTrue(PairingSteps.byCode(r2, f).isSuccess());
            Device reader = r2, newcomer = f;
            Eventually.until("f paired and in agreement with r", () -> java.util.Arrays.equals(reader.digest(), newcomer.digest()));

            store.faults().latency(java.time.Duration.ofMillis(20)); // the live stream reads a's entry a little later than at once
            for (byte[] raw : late) store.append(aFolder, NewMessage.of(raw));
            int unread = r2.<Integer>ask(reply -> new Muaa.CatchUp(java.time.Duration.ofSeconds(10), reply));
            assertTrue(r2.state().context().contains(edit.dot()), "the catch-up answered only after a's folder was applied");
            assertTrue(unread == 0, "every sibling's folder read to its end: " + unread);
            r2.awaitUploaded();
            r2.close(); // r leaves right after; f is the only device left
            store.faults().latency(java.time.Duration.ZERO);
            Eventually.until("f has a's edit, relayed by r before it left", () -> newcomer.state().context().contains(edit.dot()));
        } finally {
            a.close();
            if (r2 != null) r2.close();
            if (f != null) f.close();
        }
    }
}
