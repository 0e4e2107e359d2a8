package dev.kinbox.simulator.fleet;

import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.simulator.workload.Change;
import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.workload.HostileAct;
import dev.kinbox.simulator.trace.JournalEntry;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deliberately broken fleet for testing the checks: it acknowledges the {@code nth} edit (1-based)
 * with a dot no device ever stores, as a device that drops an edit after promising it would.
 * A run on it must end with a {@code no_lost_edits} violation.
 */
public final class LosingFleet implements Fleet {
    private static final long FORGED_SEQ_BASE = 1_000_000_000L;
    private final Fleet delegate;
    private final long nth;
    private final AtomicLong edits = new AtomicLong();

    public LosingFleet(Fleet delegate, long nth) {
        if (nth < 1) throw new IllegalArgumentException("nth must be >= 1");
        this.delegate = delegate;
        this.nth = nth;
    }

    @Override public CompletionStage<Dot> edit(DeviceRef d, Change change) {
        if (edits.incrementAndGet() == nth) {
            return CompletableFuture.completedFuture(new Dot(roster().device(d).deviceId(), FORGED_SEQ_BASE + nth));
        }
        return delegate.edit(d, change);
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
    @Override public CompletionStage<AccountState> state(DeviceRef d) { return delegate.state(d); }
    @Override public List<JournalEntry> journal(DeviceRef d) { return delegate.journal(d); }
    @Override public Set<DeviceRef> running() { return delegate.running(); }
    @Override public long storeOperations() { return delegate.storeOperations(); }
    @Override public StoreMessages storeMessages(int account) { return delegate.storeMessages(account); }
    @Override public boolean hostile(DeviceRef victim, HostileAct act) throws FleetException { return delegate.hostile(victim, act); }
    @Override public JournalRefusals refusals() { return delegate.refusals(); }
    @Override public Set<Dot> withheldUnhealed() { return delegate.withheldUnhealed(); }
    @Override public int snapshotEvery() { return delegate.snapshotEvery(); }
    @Override public void close() { delegate.close(); }
}
