package dev.kinbox.simulator.run;

import dev.kinbox.persistence.AccountState;
import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.workload.DeviceRef;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Reads the states of many running devices at once (all asks in flight together), bounded by one deadline. */
final class FleetStates {
    private FleetStates() {}

    /** The states that answered within {@code timeoutMs}; {@code failed} gets the devices that did not. */
    static Map<DeviceRef, AccountState> read(Fleet fleet, long timeoutMs, java.util.function.BiConsumer<DeviceRef, Throwable> failed) {
        Map<DeviceRef, CompletableFuture<AccountState>> asks = new HashMap<>();
        for (DeviceRef d : fleet.running()) asks.put(d, fleet.state(d).toCompletableFuture());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        Map<DeviceRef, AccountState> out = new HashMap<>();
        for (var e : asks.entrySet()) {
            try {
                long left = Math.max(1, deadline - System.nanoTime());
                out.put(e.getKey(), e.getValue().get(left, TimeUnit.NANOSECONDS));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return out;
            } catch (Exception ex) {
                failed.accept(e.getKey(), ex); // stopped meanwhile, or too slow
            }
        }
        return out;
    }
}
