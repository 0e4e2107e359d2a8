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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A deliberately broken fleet for testing {@code no_forged_applied}: after its first hostile act, the
 * state of {@code victim} (when running) comes back with the provider's forged setting applied, as a
 * device whose journal let a forged entry through would hold it. A run on it must fail the invariant.
 */
final class ForgingFleet extends ForwardingFleet {
    private final DeviceRef victim;
    private final AtomicBoolean attacked = new AtomicBoolean();

    ForgingFleet(Fleet delegate, DeviceRef victim) {
        super(delegate);
        this.victim = victim;
    }

    @Override public CompletionStage<AccountState> state(DeviceRef d) {
        if (!d.equals(victim) || !attacked.get()) return delegate.state(d);
        String id = roster().device(d).deviceId();
        return delegate.state(d).thenApply(s -> s.apply(new SettingsEvent.SettingChanged(new Dot(id, 1_000_000_001L),
                new Hlc(Long.MAX_VALUE / 2, 0, id), HostileProvider.TARGET_KEY, HostileProvider.MARKER + "-let-through")));
    }

    @Override public boolean hostile(DeviceRef d, HostileAct act) throws FleetException {
        attacked.set(true);
        return delegate.hostile(d, act);
    }
}
