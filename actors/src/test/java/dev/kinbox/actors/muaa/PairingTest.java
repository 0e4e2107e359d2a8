package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.pattern.StatusReply;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.Test;

/** Pairing on a memory mail store: QR and short code, refusals, and replication among the paired devices. */
class PairingTest {
    private static final String ACCOUNT = "frank@example.org";

    @Test void secondByQr_thirdByCode_thenConcurrentEditsConverge() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        try (Device a = new Device(store, ACCOUNT, Clock.systemUTC(), Device.FAST);
             Device b = new Device(store, ACCOUNT, Clock.systemUTC(), Device.FAST);
             Device c = new Device(store, ACCOUNT, Clock.systemUTC(), Device.FAST)) {
            String key = ((StartOutcome.Bootstrapped) a.start("laptop")).accountKeyFingerprint();
            b.start("phone");
            StatusReply<PairingOutcome.Paired> pb = PairingSteps.byQr(a, b);
            assertTrue(pb.isSuccess(), () -> "QR pairing: " + pb);
            assertEquals(key, pb.getValue().accountKeyFingerprint());
            assertEquals(key, b.state().currentKeyFingerprint().orElseThrow(), "the new device holds the account key");
            awaitPaired(a, b.id);
            c.start("tablet");
            StatusReply<PairingOutcome.Paired> pc = PairingSteps.byCode(b, c);
            assertTrue(pc.isSuccess(), () -> "code pairing with the second device: " + pc);
            awaitPaired(b, c.id);

            List<Device> all = List.of(a, b, c);
            for (int n = 1; n <= 5; n++) {
                for (Device d : all) {
                    String v = d.id + "-" + n;
                    d.<AccountEvent>ask(r -> new Muaa.ChangeSetting("shared", v, r));
                    d.<AccountEvent>ask(r -> new Muaa.ChangeSetting("own-" + d.id, v, r));
                }
            }
            long t0 = System.nanoTime();
            Convergence.await(all, Duration.ofSeconds(40));
            System.out.printf("three devices converged %d ms after the last edit%n", (System.nanoTime() - t0) / 1_000_000);
            AccountState s = a.state();
            for (Device d : all) {
                assertEquals(d.id + "-5", s.settings().get("own-" + d.id).value());
                assertEquals(DeviceStatus.PAIRED, s.devices().get(d.id).status());
            }
            assertEquals(1, s.accountKeys().size());
            for (Device d : all) assertEquals(2, d.keyring.siblings().size(), "each device encrypts to the two others");
        }
    }

    @Test void pairing_withWrongCode_abortsAndLeavesNoTrace() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        try (Device a = new Device(store, ACCOUNT, Clock.systemUTC(), Device.FAST);
             Device b = new Device(store, ACCOUNT, Clock.systemUTC(), Device.FAST)) {
            a.start("laptop");
            b.start("phone");
            byte[] aBefore = a.digest(), bBefore = b.digest();
            StatusReply<PairingOutcome.Paired> r = PairingSteps.byCode(a, b, "0000000000");
            assertTrue(r.isError(), "wrong code aborts on the new device");
            awaitRefused(a, 1);
            assertArrayEquals(aBefore, a.digest(), "existing device unchanged");
            assertArrayEquals(bBefore, b.digest(), "new device unchanged");
            assertTrue(b.state().accountKeys().isEmpty());
            assertTrue(a.keyring.siblings().isEmpty() && b.keyring.siblings().isEmpty());
            // a fresh attempt with the right code still works
            assertTrue(PairingSteps.byCode(a, b).isSuccess());
            awaitPaired(a, b.id);
        }
    }

    @Test void injectedRequests_withoutTheSecret_areRefusedAndCounted() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        try (Device a = new Device(store, ACCOUNT, Clock.systemUTC(), Device.FAST);
             Device mallory = new Device(store, ACCOUNT, Clock.systemUTC(), Device.FAST)) {
            a.start("laptop");
            mallory.start("not a phone");
            byte[] before = a.digest();
            // 1. garbage drop with a pairing header
            OpenPGPKey k = Crypto.standard().generateKey("<x@kinbox.invalid>");
            String fakeId = dev.kinbox.journal.Keyring.deviceIdOf(k.toCertificate());
            PairDrop junk = new PairDrop(fakeId, HexFormat.of().formatHex(new byte[16]), "request", "junk".getBytes());
            store.append(SmaFolders.deviceFolder(a.id), junk.toMessage(Clock.systemUTC()));
            // 2. a QR request whose offered key is not the one the user scans (the provider's substitution)
            a.approver.qr.complete(Optional.of(Crypto.standard().pairing().newQrOffer().payload()));
            var done = mallory.kit.<StatusReply<PairingOutcome.Paired>>createTestProbe();
            mallory.<PairingOutcome.Started>ask(r -> new Muaa.RequestPairing(a.id, PairingApprover.PairingMethod.QR, r, done.getRef()));
            assertTrue(done.receiveMessage(Device.WAIT).isError(), "the requester is told the pairing aborted");
            awaitRefused(a, 2);
            assertArrayEquals(before, a.digest(), "nothing applied");
            assertFalse(a.state().devices().containsKey(fakeId));
            assertTrue(a.keyring.siblings().isEmpty());
        }
    }

    static void awaitPaired(Device d, String other) throws InterruptedException {
        for (int i = 0; i < 150; i++) {
            var rec = d.state().devices().get(other);
            if (rec != null && rec.status() == DeviceStatus.PAIRED) return;
            Thread.sleep(100);
        }
        throw new AssertionError(d.id + " never recorded " + other + " as paired");
    }

    static void awaitRefused(Device d, long n) throws InterruptedException {
        LifecycleStats s = null;
        for (int i = 0; i < 150; i++) {
            s = d.stats();
            if (s.refusedPairings() >= n) {
                assertEquals(n, s.refusedPairings());
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("expected " + n + " refused pairings, saw " + s);
    }
}
