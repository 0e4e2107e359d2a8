package dev.kinbox.simulator.fleet;

import dev.kinbox.simulator.workload.DeviceClocks;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;

/** A device's clock whose offset from {@code base} changes during the run ({@link DeviceClocks.Plan}): it drifts and is reset. */
final class DeviceClock extends Clock {
    private final Clock base;
    private final DeviceClocks.Plan plan;

    DeviceClock(Clock base, DeviceClocks.Plan plan) {
        this.base = base;
        this.plan = plan;
    }

    @Override public long millis() {
        long t = base.millis();
        return t + plan.offsetAt(t);
    }

    @Override public Instant instant() { return Instant.ofEpochMilli(millis()); }

    @Override public ZoneId getZone() { return base.getZone(); }

    @Override public Clock withZone(ZoneId zone) { return new DeviceClock(base.withZone(zone), plan); }
}
