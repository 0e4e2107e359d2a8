package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Test accounts: a first device that bootstraps and further devices paired with it by short code. */
final class Accounts {
    private Accounts() {}

    /** {@code n} started devices of {@code account}, all paired and converged; close them all after use. */
    static List<Device> paired(MailStore store, String account, Clock clock, Environment.Timing timing, int n) throws Exception {
        return paired(store, account, clock, timing, n, 1000);
    }

    /** As above, each MUAA snapshotting every {@code snapshotEvery} events. */
    static List<Device> paired(MailStore store, String account, Clock clock, Environment.Timing timing, int n, int snapshotEvery)
            throws Exception {
        List<Device> all = new ArrayList<>();
        try {
            return pair(store, account, clock, timing, n, snapshotEvery, all);
        } catch (Exception | AssertionError e) {
            closeAll(all);
            throw e;
        }
    }

    private static List<Device> pair(MailStore store, String account, Clock clock, Environment.Timing timing, int n, int snapshotEvery,
                                     List<Device> all)
            throws Exception {
        Device first = new Device(store, account, clock, timing, snapshotEvery);
        all.add(first);
        assertInstanceOf(StartOutcome.Bootstrapped.class, first.start("device-0"));
        for (int i = 1; i < n; i++) {
            Device d = new Device(store, account, clock, timing, snapshotEvery);
            all.add(d);
            assertInstanceOf(StartOutcome.AwaitingPairing.class, d.start("device-" + i));
            var r = PairingSteps.byCode(first, d);
            assertTrue(r.isSuccess(), () -> "pairing: " + r);
        }
        for (Device d : all) {
            for (Device o : all) {
                Eventually.until(d.id + " has " + o.id + " as paired", () -> d.state().devices().get(o.id) != null
                        && d.state().devices().get(o.id).status() == DeviceStatus.PAIRED);
            }
        }
        Convergence.await(all);
        return all;
    }

    static void closeAll(List<Device> devices) {
        for (Device d : devices) d.close();
    }
}
