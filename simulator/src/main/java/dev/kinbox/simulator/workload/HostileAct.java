package dev.kinbox.simulator.workload;

/**
 * What a hostile mail provider does to one device's folder (it holds the account password and a key
 * of its own, never a device key). docs/SIMULATOR.md, "Hostile provider".
 */
public enum HostileAct {
    /** A well-formed journal entry in the device's name, at its next sequence number, signed by the provider's key. */
    FORGE,
    /** A journal entry in the provider's own name, signed by its key, put into the device's folder. */
    INJECT,
    /** One byte of the device's newest journal entry changed in place (the ciphertext no longer opens). */
    ALTER,
    /** The device's oldest journal entry stored again under a new UID. */
    REPLAY,
    /** The device's newest journal entry silently removed (withheld). */
    DELETE
}
