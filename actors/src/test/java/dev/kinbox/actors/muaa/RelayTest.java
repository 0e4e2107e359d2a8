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

    /**
     * Writer a and reader r paired; a edits while r is down, and the provider delivers a's entry late
     * (taken out now, stored again under a new UID by {@link #deliverLate}); a leaves for good, never
     * learning of f, which r pairs once it is back.
     */
    private static final class Scene implements AutoCloseable {
        final MemoryMailStore store = new MemoryMailStore();
        final List<Device> all = new java.util.ArrayList<>();
        final Device r, f;
        final AccountEvent edit;
        private final String aFolder;
        private final List<byte[]> late;

        Scene() throws Exception {
            all.addAll(Accounts.paired(store, ACCOUNT, Clock.systemUTC(), Device.FAST, 2));
            Device a = all.get(0);
            all.get(1).close(); // r reads nothing while a writes
            aFolder = Provider.folder(a.id);
            long firstNew = store.status(aFolder).uidNext();
            edit = a.ask(reply -> new Muaa.ChangeSetting("written-before-f", "by a", reply));
            a.awaitUploaded();
            long next = store.status(aFolder).uidNext();
            assertTrue(next > firstNew, "a uploaded its edit");
            late = store.fetch(aFolder, UidRange.from(firstNew), Fetch.FULL).stream().map(m -> m.raw()).toList();
            for (long uid = firstNew; uid < next; uid++) store.faults().deleteMessage(aFolder, uid);
            a.close();

            r = all.get(1).restart();
            all.add(r);
            assertInstanceOf(StartOutcome.Running.class, r.start("device-1"));
            f = new Device(store, ACCOUNT, Clock.systemUTC(), Device.FAST);
            all.add(f);
            assertInstanceOf(StartOutcome.AwaitingPairing.class, f.start("device-2"));
            assertTrue(PairingSteps.byCode(r, f).isSuccess());
            Eventually.until("f paired and in agreement with r", () -> java.util.Arrays.equals(r.digest(), f.digest()));
            assertFalse(f.state().context().contains(edit.dot()), "the edit is not delivered yet");
        }

        /** a's entry, sealed to a and r only, shows up in its folder now. */
        void deliverLate() {
            for (byte[] raw : late) store.append(aFolder, NewMessage.of(raw));
        }

        @Override public void close() {
            all.forEach(Device::close);
        }
    }

    @Test void anEntrySealedBeforeANewcomerWasPaired_reachesItThroughTheSiblingThatReadItAfterThePairing() throws Exception {
        try (Scene s = new Scene()) {
            s.deliverLate();
            Eventually.until("r applies a's edit", () -> s.r.state().context().contains(s.edit.dot()));
            Eventually.until("f has a's edit, relayed by r", () -> s.f.state().context().contains(s.edit.dot()));
            Eventually.until("r and f agree", () -> java.util.Arrays.equals(s.r.digest(), s.f.digest()));
            assertArrayEquals(s.r.digest(), s.f.digest());
            assertTrue(s.f.journalStats().untrusted.sum() > 0, "f could not open a's entry itself: it came through r");
        }
    }

    @Test void aDeviceLeavingInOrder_readsItsSiblingsToTheEndFirst_soTheNewcomerStillGetsTheEdit() throws Exception {
        try (Scene s = new Scene()) {
            s.store.faults().latency(java.time.Duration.ofMillis(20)); // the live stream reads a's entry a little later than at once
            s.deliverLate();
            int unread = s.r.<Integer>ask(reply -> new Muaa.CatchUp(java.time.Duration.ofSeconds(10), reply));
            assertTrue(s.r.state().context().contains(s.edit.dot()), "the catch-up answered only after a's folder was applied");
            assertTrue(unread == 0, "every sibling's folder read to its end: " + unread);
            s.r.awaitUploaded();
            s.r.close(); // r leaves right after; f is the only device left
            s.store.faults().latency(java.time.Duration.ZERO);
            Eventually.until("f has a's edit, relayed by r before it left", () -> s.f.state().context().contains(s.edit.dot()));
        }
    }
}
