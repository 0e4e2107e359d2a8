package dev.kinbox.simulator.run;

import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.simulator.workload.Change;
import dev.kinbox.simulator.workload.DeviceRef;

/**
 * An edit a device acknowledged to its virtual user: the event's dot and when (real nanoTime), and for
 * an edit of a last-writer-wins register the register ({@code setting KEY} or {@code contact ID FIELD})
 * and the value written (both null otherwise).
 */
public record AckedEdit(DeviceRef device, Dot dot, long ackNanos, String register, String value) {
    /** An edit of no register (a contact created, incoming mail). */
    public AckedEdit(DeviceRef device, Dot dot, long ackNanos) {
        this(device, dot, ackNanos, null, null);
    }

    /** {@code change} acknowledged by {@code device} as {@code dot} at {@code ackNanos}. */
    public static AckedEdit of(DeviceRef device, Dot dot, long ackNanos, Change change) {
        if (change instanceof Change.SetSetting s) return new AckedEdit(device, dot, ackNanos, "setting " + s.key(), s.value());
        if (change instanceof Change.EditContact c) return new AckedEdit(device, dot, ackNanos, "contact " + c.contactId() + " " + c.field(), c.value());
        return new AckedEdit(device, dot, ackNanos);
    }
}
