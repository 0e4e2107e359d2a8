package dev.kinbox.simulator.run;

import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.simulator.workload.DeviceRef;

/** An edit a device acknowledged to its virtual user: the event's dot and when (real nanoTime). */
public record AckedEdit(DeviceRef device, Dot dot, long ackNanos) {}
