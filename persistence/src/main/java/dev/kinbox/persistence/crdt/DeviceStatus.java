package dev.kinbox.persistence.crdt;

/**
 * The life of a device as a chain lattice: announced &lt; paired &lt; retired. Join is the
 * maximum, so retired is absorbing: no later merge brings a retired device back.
 */
public enum DeviceStatus {
    ANNOUNCED, PAIRED, RETIRED;

    /** The later of the two states. */
    public DeviceStatus join(DeviceStatus other) {
        return other == null || compareTo(other) >= 0 ? this : other;
    }
}
