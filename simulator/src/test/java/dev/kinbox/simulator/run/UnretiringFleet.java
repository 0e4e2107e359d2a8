package dev.kinbox.simulator.run;

import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.fleet.ForwardingFleet;
import dev.kinbox.simulator.workload.DeviceRef;

/**
 * A deliberately broken fleet for testing {@code silent_devices_retired}: asked to remove a device, it
 * only stops it (the user wiped it) and never tells a sibling, so the account keeps it as paired and
 * goes on sealing entries to it. A run with a removal on it must fail the invariant.
 */
final class UnretiringFleet extends ForwardingFleet {
    UnretiringFleet(Fleet delegate) { super(delegate); }

    @Override public void remove(DeviceRef by, DeviceRef target) throws FleetException {
        if (running().contains(target)) delegate.stop(target, Stop.CRASH);
    }
}
