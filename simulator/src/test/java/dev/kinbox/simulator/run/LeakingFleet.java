package dev.kinbox.simulator.run;

import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.fleet.ForwardingFleet;
import dev.kinbox.simulator.fleet.RetiredReadable;
import dev.kinbox.simulator.workload.DeviceRef;

/**
 * A deliberately broken fleet for testing the third part of {@code silent_devices_retired}: every
 * entry a device wrote after retiring a sibling opens with the retired device's key, as it would if
 * the writer's keyring went on sealing to it. A run with a retirement on it must fail the invariant.
 */
final class LeakingFleet extends ForwardingFleet {
    LeakingFleet(Fleet delegate) { super(delegate); }

    @Override public RetiredReadable readableByRetired(DeviceRef writer, DeviceRef retired) {
        return new RetiredReadable(1, 1, 1);
    }
}
