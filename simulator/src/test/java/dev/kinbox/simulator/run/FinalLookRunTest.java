package dev.kinbox.simulator.run;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.SettingsEvent;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.fleet.ForwardingFleet;
import dev.kinbox.simulator.fleet.HostedFleet;
import dev.kinbox.simulator.workload.DeviceRef;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The run's final check against the settle's looks: what a device does after them is settled, not judged half-read. */
class FinalLookRunTest {
    /**
     * A fleet one of whose devices acts once after the settle's clean looks (armed when the runner starts its final
     * check): the first state read after that shows it one event ahead of its siblings, which have not read the
     * event yet - as a device restarted near the end did with its activity refresh, written when its liveness check
     * completed, after the clean looks (seen in the hostile GreenMail RunnerTest, about 1 run in 20).
     * Later reads show the device as it is, equal to its siblings again.
     */
    private static final class ActsAfterTheLooks extends ForwardingFleet {
        final AtomicBoolean armed = new AtomicBoolean();
        volatile DeviceRef acted;

        ActsAfterTheLooks(Fleet delegate) {
            super(delegate);
        }

        @Override public CompletionStage<AccountState> state(DeviceRef d) {
            boolean hasSibling = delegate.running().stream().anyMatch(o -> o.account() == d.account() && !o.equals(d));
            if (!hasSibling || !armed.compareAndSet(true, false)) return delegate.state(d);
            acted = d;
            String id = delegate.roster().device(d).deviceId();
            return delegate.state(d).thenApply(s -> {
                long next = s.context().versionVector().getOrDefault(id, 0L) + 1;
                return s.apply(new SettingsEvent.SettingChanged(new Dot(id, next), new Hlc(Long.MAX_VALUE / 2, 0, id), "late", "after the looks"));
            });
        }
    }

    @Test
    void run_whereADeviceActsAfterTheSettlesCleanLooks_settlesAgain_andJudgesTheLastLook() throws Exception {
        ActsAfterTheLooks[] fleet = new ActsAfterTheLooks[1];
        Progress armOnCheck = new Progress() {
            private boolean armedOnce;

            @Override public void phase(String name, long total) {
                if (name.equals("check") && !armedOnce) {
                    armedOnce = true;
                    fleet[0].armed.set(true);
                }
            }

            @Override public void update(long done, String counters) {}
        };
        RunResult r = RunnerTest.run(RunnerTest.tiny(7), Duration.ofSeconds(30), f -> fleet[0] = new ActsAfterTheLooks(f),
                HostedFleet.Options.defaults(), "memory", armOnCheck);
        assertNotNull(fleet[0].acted, "no device with a running sibling was read at the final check");
        assertTrue(r.ok(), r.check().violations() + " " + r.notes());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("found converged after clean looks: settling again (1)")), r.notes().toString());
    }
}
