package dev.kinbox.persistence;

import dev.kinbox.persistence.crdt.Bytes;
import dev.kinbox.persistence.crdt.DeviceStatus;
import dev.kinbox.persistence.crdt.Lattice;
import dev.kinbox.persistence.crdt.LwwRegister;

/**
 * What the account knows about one device. Absent registers are {@code null}.
 *
 * @param certificate the device certificate (opaque bytes), last writer wins
 * @param name        the device's coarse name, last writer wins
 * @param status      announced &lt; paired &lt; retired; retired absorbs
 * @param lastActive  latest activity time, epoch millis (max register), or {@link PeerState#NEVER}
 * @param pairedBy    device id of the device that paired it, last writer wins
 */
public record DeviceRecord(LwwRegister<Bytes> certificate, LwwRegister<String> name, DeviceStatus status,
                           long lastActive, LwwRegister<String> pairedBy) implements Lattice<DeviceRecord> {
    public DeviceRecord {
        if (status == null) throw new IllegalArgumentException("device status missing");
    }

    @Override
    public DeviceRecord join(DeviceRecord o) {
        return new DeviceRecord(LwwRegister.join(certificate, o.certificate), LwwRegister.join(name, o.name),
                status.join(o.status), Math.max(lastActive, o.lastActive), LwwRegister.join(pairedBy, o.pairedBy));
    }
}
