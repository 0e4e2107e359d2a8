package dev.kinbox.simulator.run;

import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.SettingsEvent;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.fleet.HostileProvider;
import dev.kinbox.simulator.fleet.JournalRefusals;
import dev.kinbox.simulator.fleet.RetiredReadable;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.fleet.StoreMessages;
import dev.kinbox.simulator.workload.Change;
import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.workload.HostileAct;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A deliberately broken fleet for testing {@code no_forged_applied}: after its first hostile act, the
 * state of {@code victim} (when running) comes back with the provider's forged setting applied, as a
 * device whose journal let a forged entry through would hold it. A run on it must fail the invariant.
 */
final class ForgingFleet implements Fleet {
    private final Fleet delegate;
    private final DeviceRef victim;
    private final AtomicBoolean attacked = new AtomicBoolean();

    ForgingFleet(Fleet delegate, DeviceRef victim) {
        this.delegate = delegate;
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

    @Override public Roster roster() { return delegate.roster(); }
    @Override public void start(DeviceRef d) throws FleetException { delegate.start(d); }
    @Override public boolean stop(DeviceRef d, boolean orderly) throws FleetException { return delegate.stop(d, orderly); }
    @Override public void remove(DeviceRef by, DeviceRef target) throws FleetException { delegate.remove(by, target); }
    @Override public RetiredReadable readableByRetired(DeviceRef writer, DeviceRef retired) throws FleetException {
        return delegate.readableByRetired(writer, retired);
    }
    @Override public Expiry expiry() { return delegate.expiry(); }
    @Override public void online(DeviceRef d, boolean online) { delegate.online(d, online); }
    @Override public CompletionStage<Dot> edit(DeviceRef d, Change change) { return delegate.edit(d, change); }
    @Override public Set<DeviceRef> running() { return delegate.running(); }
    @Override public long storeOperations() { return delegate.storeOperations(); }
    @Override public StoreMessages storeMessages(int account) { return delegate.storeMessages(account); }
    @Override public JournalRefusals refusals() { return delegate.refusals(); }
    @Override public Set<Dot> withheldUnhealed() { return delegate.withheldUnhealed(); }
    @Override public int snapshotEvery() { return delegate.snapshotEvery(); }
    @Override public java.util.List<dev.kinbox.simulator.trace.JournalEntry> journal(DeviceRef d) { return delegate.journal(d); }
    @Override public void close() { delegate.close(); }
}
