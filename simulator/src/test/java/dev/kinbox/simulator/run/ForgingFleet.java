package dev.kinbox.simulator.run;

import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.SettingsEvent;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.fleet.ForwardingFleet;
import dev.kinbox.simulator.fleet.HostileProvider;
import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.workload.HostileAct;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A deliberately broken fleet for testing {@code no_forged_applied}: after its first hostile act (or a given number), the
 * state of {@code victim} (when running) comes back with the provider's forged setting applied, as a
 * device whose journal let a forged entry through would hold it. A run on it must fail the invariant.
 */
final class ForgingFleet extends ForwardingFleet {
    private final Predicate<DeviceRef> victims;
    private final int afterActs;
    private final AtomicInteger acts = new AtomicInteger();

    ForgingFleet(Fleet delegate, DeviceRef victim) {
        this(delegate, victim::equals, 1);
    }

    private ForgingFleet(Fleet delegate, Predicate<DeviceRef> victims, int afterActs) {
        super(delegate);
        this.victims = victims;
        this.afterActs = afterActs;
    }

    /**
     * Every device of {@code account} holds the same forgery once {@code afterActs} hostile acts were asked for: the account
     * still converges, only {@code no_forged_applied} fails.
     */
    static ForgingFleet wholeAccount(Fleet delegate, int account, int afterActs) {
        return new ForgingFleet(delegate, d -> d.account() == account, afterActs);
    }

    @Override public CompletionStage<AccountState> state(DeviceRef d) {
        if (!victims.test(d) || acts.get() < afterActs) return delegate.state(d);
        String id = roster().device(new DeviceRef(d.account(), 0)).deviceId(); // the same forged event on every victim of an account
        return delegate.state(d).thenApply(s -> s.apply(new SettingsEvent.SettingChanged(new Dot(id, 1_000_000_001L),
                new Hlc(Long.MAX_VALUE / 2, 0, id), HostileProvider.TARGET_KEY, HostileProvider.MARKER + "-let-through")));
    }

    @Override public boolean hostile(DeviceRef d, HostileAct act) throws FleetException {
        acts.incrementAndGet();
        return delegate.hostile(d, act);
    }
}
