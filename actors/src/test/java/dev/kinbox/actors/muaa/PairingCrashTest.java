package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.actors.muaa.PairingApprover.PairingMethod;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;

/**
 * The last pairing step (docs/PROTOCOL.md, "Pairing drops"): a crash of either device between the
 * new device's ack and the existing device's done ends with both paired, never half; a repeated ack
 * is answered again without persisting anything; a done not made by the existing device is ignored.
 * The window is held open by hiding the ack drops from the existing device's searches ({@link HeldDrops}).
 */
class PairingCrashTest {
    private static final String ACCOUNT = "hana@example.org";
    /** Long enough for any reply that could come to arrive (it cannot: the other side is down or blind). */
    private static final Duration QUIET = Duration.ofMillis(500);

    @Test void existingDeviceCrashesBeforeHandlingTheAck_afterItsRestart_bothArePairedAndEditsFlow() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        HeldDrops existingView = new HeldDrops(store);
        Device a = new Device(existingView, ACCOUNT, Clock.systemUTC(), Device.FAST);
        String aId = a.id;
        try (Device b = new Device(store, ACCOUNT, Clock.systemUTC(), Device.FAST)) {
            TestProbe<StatusReply<PairingOutcome.Paired>> done = fresh(b);
            upToTheAck(store, existingView, a, b, done);
            a.close(); // the crash: a never handled the ack
            deleteAcks(store, aId); // as if a had taken the ack before crashing: only b's resend can bring it back
            done.expectNoMessage(QUIET); // b is not told it is paired while a has not recorded it
            existingView.hold(null);
            a = a.restart();
            StatusReply<PairingOutcome.Paired> r = done.receiveMessage(Device.WAIT);
            assertTrue(r.isSuccess(), () -> "pairing completes once a is back: " + r);
            assertEquals(a.id, r.getValue().otherDeviceId());
            assertEquals(DeviceStatus.PAIRED, b.state().devices().get(b.id).status(), "b records its pairing before it reports it");
            PairingTest.awaitPaired(a, b.id);
            awaitEditReaches(b, a, "after-the-crash");
            Device back = a;
            Eventually.until("both forgot their pairing notes", () -> HeldDrops.notes(store, back.id) == 0 && HeldDrops.notes(store, b.id) == 0);
        } finally {
            a.close();
        }
    }

    @Test void newDeviceCrashesAfterSendingItsAck_afterItsRestart_itResendsItAndBothArePaired() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        HeldDrops existingView = new HeldDrops(store);
        Device b = new Device(store, ACCOUNT, Clock.systemUTC(), Device.FAST);
        String bId = b.id;
        try (Device a = new Device(existingView, ACCOUNT, Clock.systemUTC(), Device.FAST)) {
            upToTheAck(store, existingView, a, b, fresh(b));
            b.close(); // the crash: b sent its ack and never saw a done
            deleteAcks(store, a.id);
            assertEquals(1, HeldDrops.notes(store, b.id), "b keeps its ack in a note");
            existingView.hold(null);
            Thread.sleep(QUIET.toMillis());
            assertTrue(a.state().devices().get(bId) == null || a.state().devices().get(bId).status() != DeviceStatus.PAIRED,
                    "a cannot pair b without its ack");
            b = b.restart();
            PairingTest.awaitPaired(a, b.id);
            PairingTest.awaitPaired(b, b.id);
            Device back = b;
            Eventually.until("b saw a's done and forgot its note", () -> HeldDrops.notes(store, back.id) == 0);
            awaitEditReaches(b, a, "after-the-restart");
        } finally {
            b.close();
        }
    }

    @Test void repeatedAck_ofAPairedDevice_isAnsweredWithDoneAgain_andPersistsNothing() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        HeldDrops existingView = new HeldDrops(store);
        HeldDrops newView = new HeldDrops(store);
        try (Device a = new Device(existingView, ACCOUNT, Clock.systemUTC(), Device.FAST);
             Device b = new Device(newView, ACCOUNT, Clock.systemUTC(), Device.FAST)) {
            TestProbe<StatusReply<PairingOutcome.Paired>> done = fresh(b);
            upToTheAck(store, existingView, a, b, done);
            PairDrop ack = PairDrop.parse(HeldDrops.drops(store, a.id, "ack").get(0));
            existingView.hold(null);
            assertTrue(done.receiveMessage(Device.WAIT).isSuccess());
            PairingTest.awaitPaired(b, b.id);
            Convergence.await(List.of(a, b));
            newView.hold("done"); // b no longer takes done drops: the test counts them
            byte[] before = a.digest();
            store.append(HeldDrops.folder(a.id), ack.toMessage(Clock.systemUTC()));
            Eventually.until("a answers the repeated ack with done", () -> !HeldDrops.drops(store, b.id, "done").isEmpty());
            assertEquals(1, HeldDrops.drops(store, b.id, "done").size());
            assertArrayEquals(before, a.digest(), "a persisted nothing for the repeated ack");
            assertEquals(0, HeldDrops.notes(store, a.id));
        }
    }

    @Test void doneNotSignedByTheExistingDevice_isIgnored_andTheGenuineOneCompletesThePairing() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        HeldDrops existingView = new HeldDrops(store);
        try (Device a = new Device(existingView, ACCOUNT, Clock.systemUTC(), Device.FAST);
             Device b = new Device(store, ACCOUNT, Clock.systemUTC(), Device.FAST)) {
            TestProbe<StatusReply<PairingOutcome.Paired>> done = fresh(b);
            String session = upToTheAck(store, existingView, a, b, done);
            // the provider's forgery: a done in a's name, for this session, signed by another key
            Crypto crypto = Crypto.standard();
            byte[] forged = new DoneBody(session, b.id).seal(crypto, crypto.generateKey("<mallory@kinbox.invalid>"), b.key.toCertificate());
            store.append(HeldDrops.folder(b.id), new PairDrop(a.id, session, "done", forged).toMessage(Clock.systemUTC()));
            Eventually.until("b took the forged done", () -> HeldDrops.drops(store, b.id, "done").isEmpty());
            done.expectNoMessage(QUIET);
            assertEquals(1, HeldDrops.notes(store, b.id), "b still waits, its ack kept");
            existingView.hold(null);
            StatusReply<PairingOutcome.Paired> r = done.receiveMessage(Device.WAIT);
            assertTrue(r.isSuccess(), () -> "the genuine done completes the pairing: " + r);
            assertEquals(DeviceStatus.PAIRED, a.state().devices().get(b.id).status(), "a recorded b before it answered done");
        }
    }

    private static TestProbe<StatusReply<PairingOutcome.Paired>> fresh(Device d) {
        return d.kit.createTestProbe();
    }

    /** Starts both devices and pairs them by code up to the new device's ack, which waits unseen in the existing device's folder. */
    private static String upToTheAck(MemoryMailStore store, HeldDrops existingView, Device existing, Device fresh,
                                     TestProbe<StatusReply<PairingOutcome.Paired>> done) throws InterruptedException {
        existing.start("laptop");
        fresh.start("phone");
        existingView.hold("ack");
        String session = startByCode(existing, fresh, done);
        Eventually.until("the new device's ack waits in the existing device's folder", () -> !HeldDrops.drops(store, existing.id, "ack").isEmpty());
        return session;
    }

    private static void deleteAcks(MemoryMailStore store, String deviceId) {
        for (StoredMessage m : HeldDrops.drops(store, deviceId, "ack")) store.delete(HeldDrops.folder(deviceId), List.of(m.uid()));
    }

    private static void awaitEditReaches(Device from, Device to, String value) throws InterruptedException {
        from.<AccountEvent>ask(x -> new Muaa.ChangeSetting("from-" + from.id, value, x));
        Eventually.until(from.id + "'s edit reaches " + to.id, () -> to.state().settings().get("from-" + from.id) != null
                && value.equals(to.state().settings().get("from-" + from.id).value()));
    }

    /** The user pairs by code (as {@link PairingSteps#byCode}) without waiting for the result; returns the session id. */
    private static String startByCode(Device existing, Device fresh, TestProbe<StatusReply<PairingOutcome.Paired>> done)
            throws InterruptedException {
        PairingOutcome.Started s = fresh.ask(r -> new Muaa.RequestPairing(existing.id, PairingMethod.CODE, r, done.getRef()));
        String shown = existing.approver.shownCodes.poll(Device.WAIT.toSeconds(), TimeUnit.SECONDS);
        if (shown == null) throw new AssertionError("the existing device never showed a code");
        assertEquals(s.sessionId(), fresh.<String>ask(r -> new Muaa.EnterPairingCode(s.sessionId(), shown, r)));
        return s.sessionId();
    }
}
