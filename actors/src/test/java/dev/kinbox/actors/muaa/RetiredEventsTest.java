package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a retired device wrote: siblings that had read different amounts of it when they retired it
 * still converge (each adopts what it holds, docs/PROTOCOL.md "What a retired device wrote").
 */
class RetiredEventsTest {
    private static final String ACCOUNT = "ines@example.org";

    @Test void removedDevice_whoseLastEditOnlyOneSiblingRead_siblingsStillConvergeOnIt() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        HeldDrops removerView = new HeldDrops(store);
        List<Device> all = new ArrayList<>();
        try {
            Device a = new Device(removerView, ACCOUNT, Clock.systemUTC(), Device.FAST);
            all.add(a);
            assertInstanceOf(StartOutcome.Bootstrapped.class, a.start("laptop"));
            Device b = new Device(store, ACCOUNT, Clock.systemUTC(), Device.FAST);
            all.add(b);
            Device x = new Device(store, ACCOUNT, Clock.systemUTC(), Device.FAST);
            all.add(x);
            for (Device d : List.of(b, x)) {
                d.start("device");
                assertTrue(PairingSteps.byCode(a, d).isSuccess());
            }
            for (Device d : all) {
                for (Device o : all) PairingTest.awaitPaired(d, o.id);
            }
            Convergence.await(all);

            removerView.freeze(HeldDrops.folder(x.id)); // a sees none of x's entries from now on; b sees them all
            x.<AccountEvent>ask(r -> new Muaa.ChangeSetting("last-words", "x", r));
            Eventually.until("b reads x's last edit", () -> b.state().settings().get("last-words") != null);
            assertNull(a.state().settings().get("last-words"), "a cannot see x's last entry");

            assertEquals(x.id, a.<String>ask(r -> new Muaa.RemoveDevice(x.id, r)));
            Eventually.until("b learns the removal", () -> b.state().devices().get(x.id).status() == DeviceStatus.RETIRED);
            Convergence.await(List.of(a, b));
            assertEquals("x", a.state().settings().get("last-words").value(), "a has x's last edit from b's adopted state");
        } finally {
            Accounts.closeAll(all);
        }
    }
}
