package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.crdt.Hlc;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A device whose wall clock was set back while it was down (a crash, then a user or NTP stepping the
 * clock back): what it writes after the restart must still win over what it wrote before.
 */
class ClockSetBackTest {
    private static final Duration BACK = Duration.ofHours(2);

    @Test void restart_replayingItsEvents_withTheClockSetBack_theNewerEditWins() throws Exception {
        editRestartEdit(1000); // no snapshot: recovery replays every event
    }

    @Test void restart_fromASnapshot_withTheClockSetBack_theNewerEditWins() throws Exception {
        editRestartEdit(2); // a snapshot every two events: recovery starts from one and replays few or no events
    }

    private static void editRestartEdit(int snapshotEvery) throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        ShiftedClock clock = new ShiftedClock();
        Device d = new Device(store, "set-back@example.org", clock, Device.FAST, snapshotEvery);
        try {
            assertInstanceOf(StartOutcome.Bootstrapped.class, d.start("laptop"));
            for (int i = 0; i < 5; i++) d.<AccountEvent>ask(r -> new Muaa.ChangeSetting("filler", "x", r));
            d.<AccountEvent>ask(r -> new Muaa.ChangeSetting("theme", "older", r));
            Hlc before = d.state().settings().get("theme").time();
            d.close();
            clock.back(BACK);
            d = d.restart();
            assertInstanceOf(StartOutcome.Running.class, d.start("laptop"));
            d.<AccountEvent>ask(r -> new Muaa.ChangeSetting("theme", "newer", r));
            AccountState s = d.state();
            assertEquals("newer", s.settings().get("theme").value(), "the edit made after the restart lost to the one before it");
            assertTrue(s.settings().get("theme").time().compareTo(before) > 0);
        } finally {
            d.close();
        }
    }
}
