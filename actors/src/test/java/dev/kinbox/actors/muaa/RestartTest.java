package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.persistence.AccountEvent;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A device started again from its local log. */
class RestartTest {
    private static final int SNAPSHOT_EVERY = 5;

    @Test void restart_recoveringFromASnapshot_stillTrustsAndReadsItsSiblings() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        List<Device> all = new java.util.ArrayList<>(Accounts.paired(store, "rio@example.org", Clock.systemUTC(), RemovalTest.FAST_CHECK, 3,
                SNAPSHOT_EVERY));
        try {
            Device a = all.get(0);
            for (int i = 1; i < 3; i++) all.get(i).close();
            for (int i = 1; i < 3; i++) {
                all.set(i, all.get(i).restart());
                assertInstanceOf(StartOutcome.Running.class, all.get(i).start("device-" + i));
            }
            a.<AccountEvent>ask(r -> new Muaa.ChangeSetting("after-restart", "seen", r));
            for (Device d : all) {
                Eventually.until(d.id + " reads its sibling after the restart", () -> d.state().settings().get("after-restart") != null);
                assertEquals(2, d.keyring.siblings().size(), "the recovered state's siblings are the journal's keyring");
            }
        } finally {
            Accounts.closeAll(all);
        }
    }
}
