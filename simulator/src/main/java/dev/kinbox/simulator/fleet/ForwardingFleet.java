package dev.kinbox.simulator.fleet;

import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.simulator.trace.JournalEntry;
import dev.kinbox.simulator.workload.Change;
import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.workload.HostileAct;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/** A {@link Fleet} that hands every call to {@code delegate}: the base of decorators that change one behaviour (the tests' broken fleets). */
public abstract class ForwardingFleet implements Fleet {
    protected final Fleet delegate;

    protected ForwardingFleet(Fleet delegate) { this.delegate = delegate; }

    @Override public Roster roster() { return delegate.roster(); }
    @Override public void start(DeviceRef d) throws FleetException { delegate.start(d); }
    @Override public Stopped stop(DeviceRef d, Stop how) throws FleetException { return delegate.stop(d, how); }
    @Override public CompletionStage<Boolean> readBack(DeviceRef d) { return delegate.readBack(d); }
    @Override public void remove(DeviceRef by, DeviceRef target) throws FleetException { delegate.remove(by, target); }
    @Override public RetiredReadable readableByRetired(DeviceRef writer, DeviceRef retired) throws FleetException {
        return delegate.readableByRetired(writer, retired);
    }
    @Override public Expiry expiry() { return delegate.expiry(); }
    @Override public java.util.Optional<String> broken() { return delegate.broken(); }
    @Override public void clockStarted() throws FleetException { delegate.clockStarted(); }
    @Override public void clockFrozen(java.time.Instant at) throws FleetException { delegate.clockFrozen(at); }
    @Override public void clockPaced(java.time.Instant at, double pace) throws FleetException { delegate.clockPaced(at, pace); }
    @Override public void online(DeviceRef d, boolean online) { delegate.online(d, online); }
    @Override public CompletionStage<Dot> edit(DeviceRef d, Change change) { return delegate.edit(d, change); }
    @Override public CompletionStage<AccountState> state(DeviceRef d) { return delegate.state(d); }

    @Override public CompletionStage<java.util.Optional<String>> retirement(DeviceRef d) { return delegate.retirement(d); }
    @Override public CompletionStage<Void> checkLiveness(DeviceRef d) { return delegate.checkLiveness(d); }
    @Override public List<JournalEntry> journal(DeviceRef d) { return delegate.journal(d); }
    @Override public Set<DeviceRef> running() { return delegate.running(); }
    @Override public int runningCount() { return delegate.runningCount(); }
    @Override public boolean isRunning(DeviceRef d) { return delegate.isRunning(d); }
    @Override public long storeOperations() { return delegate.storeOperations(); }
    @Override public StoreMessages storeMessages(int account) { return delegate.storeMessages(account); }
    @Override public boolean hostile(DeviceRef victim, HostileAct act) throws FleetException { return delegate.hostile(victim, act); }
    @Override public Set<Dot> withheldUnhealed() { return delegate.withheldUnhealed(); }

    @Override public Set<Dot> restoredAway() { return delegate.restoredAway(); }
    @Override public void drop(DeviceRef d) throws FleetException { delegate.drop(d); }
    @Override public void restartServer(int account) throws FleetException { delegate.restartServer(account); }
    @Override public boolean rebuildFolder(DeviceRef d) throws FleetException { return delegate.rebuildFolder(d); }
    @Override public GossipCounts gossipMail() { return delegate.gossipMail(); }

    @Override public long secondRoots() { return delegate.secondRoots(); }
    @Override public JournalRefusals refusals() { return delegate.refusals(); }
    @Override public int snapshotEvery() { return delegate.snapshotEvery(); }
    @Override public void close() { delegate.close(); }
}
