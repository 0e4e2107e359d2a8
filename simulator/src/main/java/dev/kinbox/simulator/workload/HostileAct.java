package dev.kinbox.simulator.workload;

/**
 * What a hostile mail provider does to one device's folder, or to what {@code _Autocrypt_SMA} holds
 * about the device (it holds the account password and a key of its own, never a device key).
 * docs/SIMULATOR.md, "Hostile provider". New acts go last: a seed's schedule draws them by position.
 */
public enum HostileAct {
    /** A well-formed journal entry in the device's name, at its next sequence number, signed by the provider's key. */
    FORGE(false),
    /** A journal entry in the provider's own name, signed by its key, put into the device's folder. */
    INJECT(false),
    /** One byte of the device's newest journal entry changed in place (the ciphertext no longer opens). */
    ALTER(false),
    /** The device's oldest journal entry stored again under a new UID. */
    REPLAY(false),
    /** The device's newest journal entry silently removed (withheld). */
    DELETE(false),
    /**
     * A retirement notice naming the device, well formed, in the name of the device itself ({@code left})
     * or of a sibling ({@code removed}) - with the Message-ID that author's genuine notice would have -
     * signed by the provider's key.
     */
    FORGE_NOTICE(true),
    /** One byte of the device's announcement changed (its signature no longer verifies). */
    ALTER_ANNOUNCE(true),
    /** The first announcement of the device the provider saw, stored again when it is no longer there (altered, deleted or replaced). */
    REPLAY_ANNOUNCE(true),
    /** The device's announcement silently removed. */
    DELETE_ANNOUNCE(true),
    /** The newest retirement notice naming the device silently removed (genuine or forged). */
    DELETE_NOTICE(true),
    /**
     * A retirement roll, well formed, in turn in the device's own name listing its siblings and in a sibling's name
     * listing the device, signed by the provider's key.
     */
    FORGE_ROLL(true),
    /** The device's own retirement roll silently removed (genuine or forged). */
    DELETE_ROLL(true);

    private final boolean onAnnouncements;

    HostileAct(boolean onAnnouncements) {
        this.onAnnouncements = onAnnouncements;
    }

    /** True for the acts on {@code _Autocrypt_SMA} rather than on the device's own folder. */
    public boolean onAnnouncements() {
        return onAnnouncements;
    }
}
