package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kinbox.actors.muaa.PairingApprover.PairingMethod;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;

/** What a user does on both devices to pair them. */
final class PairingSteps {
    private PairingSteps() {}

    /** Short code: the existing device shows it, the user types it on the new one; returns the new side's result. */
    static StatusReply<PairingOutcome.Paired> byCode(Device existing, Device fresh) throws InterruptedException {
        return byCode(existing, fresh, null);
    }

    /** As {@link #byCode(Device, Device)}, typing {@code typed} instead of the shown code when not null. */
    static StatusReply<PairingOutcome.Paired> byCode(Device existing, Device fresh, String typed) throws InterruptedException {
        TestProbe<StatusReply<PairingOutcome.Paired>> done = fresh.kit.createTestProbe();
        PairingOutcome.Started s = fresh.ask(r -> new Muaa.RequestPairing(existing.id, PairingMethod.CODE, r, done.getRef()));
        String shown = existing.approver.shownCodes.poll(Device.WAIT.toSeconds(), TimeUnit.SECONDS);
        if (shown == null) throw new AssertionError("the existing device never showed a code");
        String code = typed != null ? typed : shown;
        assertEquals(s.sessionId(), fresh.<String>ask(r -> new Muaa.EnterPairingCode(s.sessionId(), code, r)));
        return done.receiveMessage(Device.WAIT);
    }

    /** QR: the new device shows the payload, the user scans it with the existing one. */
    static StatusReply<PairingOutcome.Paired> byQr(Device existing, Device fresh) {
        TestProbe<StatusReply<PairingOutcome.Paired>> done = fresh.kit.createTestProbe();
        PairingOutcome.Started s = fresh.ask(r -> new Muaa.RequestPairing(existing.id, PairingMethod.QR, r, done.getRef()));
        existing.approver.qr.complete(Optional.of(s.qrPayload().orElseThrow()));
        return done.receiveMessage(Device.WAIT);
    }
}
