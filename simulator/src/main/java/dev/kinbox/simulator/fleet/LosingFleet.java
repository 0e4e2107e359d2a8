package dev.kinbox.simulator.fleet;

import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.simulator.workload.Change;
import dev.kinbox.simulator.workload.DeviceRef;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deliberately broken fleet for testing the checks: it acknowledges the {@code nth} edit (1-based)
 * with a dot no device ever stores, as a device that drops an edit after promising it would.
 * A run on it must end with a {@code no_lost_edits} violation.
 */
public final class LosingFleet extends ForwardingFleet {
    private static final long FORGED_SEQ_BASE = 1_000_000_000L;
    private final long nth;
    private final AtomicLong edits = new AtomicLong();

    public LosingFleet(Fleet delegate, long nth) {
        super(delegate);
        if (nth < 1) throw new IllegalArgumentException("nth must be >= 1");
        this.nth = nth;
    }

    @Override public CompletionStage<Dot> edit(DeviceRef d, Change change) {
        if (edits.incrementAndGet() == nth) {
            return CompletableFuture.completedFuture(new Dot(roster().device(d).deviceId(), FORGED_SEQ_BASE + nth));
        }
        return delegate.edit(d, change);
    }
}
