package dev.kinbox.simulator.run;

import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.fleet.ForwardingFleet;
import dev.kinbox.simulator.workload.DeviceRef;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A deliberately broken fleet for testing {@code silent_devices_retired}: {@code victim}, asked whether it
 * learnt it was retired, says it did - as a device that trusted a notice the provider forged in its
 * name would. A run on it must fail the invariant, naming the victim.
 */
final class FooledFleet extends ForwardingFleet {
    private final DeviceRef victim;

    FooledFleet(Fleet delegate, DeviceRef victim) {
        super(delegate);
        this.victim = victim;
    }

    @Override public CompletionStage<Optional<String>> retirement(DeviceRef d) {
        if (!d.equals(victim)) return delegate.retirement(d);
        return CompletableFuture.completedFuture(Optional.of("this device left the account at 1970-01-01T00:00:00Z (a forged notice)"));
    }
}
