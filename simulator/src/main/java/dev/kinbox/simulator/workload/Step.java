package dev.kinbox.simulator.workload;

/**
 * One thing that happens to one device at virtual time {@code at} (milliseconds since the start of
 * the simulated period). A schedule is a list of these in time order.
 */
public sealed interface Step {
    long at();

    DeviceRef device();

    /** The device starts for the first time (fresh local store): it bootstraps its account or pairs with a running sibling. */
    record Join(long at, DeviceRef device) implements Step {}

    /**
     * The device leaves the account for good (the application uninstalled, the device given away): it reads
     * its siblings' folders to their end, retires itself and stops once its acknowledged edits are uploaded.
     */
    record Leave(long at, DeviceRef device) implements Step {}

    /**
     * The device is put away for good without leaving the account (an old phone in a drawer): the
     * application closes once its acknowledged edits are uploaded and never runs again. Its siblings keep
     * it until it has been silent past the expiry, then retire it.
     */
    record Abandon(long at, DeviceRef device) implements Step {}

    /**
     * An abandoned device is switched on again (the old phone out of the drawer), from its local store.
     * {@code late}: back after more than its expiry, so its siblings have retired it (unless none of them
     * ran): it must learn so at its start and change nothing in the account - the schedule has nothing more
     * for it. Else it carries on.
     */
    record Return(long at, DeviceRef device, boolean late) implements Step {}

    /** The device stops without warning; its local store survives (like a phone's flash). */
    record Crash(long at, DeviceRef device) implements Step {}

    /** A crashed device starts again from its local store. */
    record Restart(long at, DeviceRef device) implements Step {}

    /** The device loses its connection to the server (it keeps accepting local edits). */
    record Offline(long at, DeviceRef device) implements Step {}

    /** The device reaches the server again. */
    record Online(long at, DeviceRef device) implements Step {}

    /** The virtual user edits something on the device. */
    record Edit(long at, DeviceRef device, Change change) implements Step {}

    /** The device's connection to the server drops: its next mail store operation fails with {@code ConnectionLost}. */
    record Drop(long at, DeviceRef device) implements Step {}

    /**
     * The server that holds the account's mailbox restarts: every connection of the account's devices
     * drops (their next operations fail, their watches reconnect). {@code device} names the account
     * (one of its joined slots); the restart concerns all of them.
     */
    record ServerRestart(long at, DeviceRef device) implements Step {}

    /**
     * Running, online device {@code by} removes {@code device} from the account (forced removal, e.g. a
     * lost phone): its siblings retire it and stop sealing to it. {@code device} never works in the
     * account again (a later restart finds it retired).
     */
    record Remove(long at, DeviceRef device, DeviceRef by) implements Step {}

    /** The mail provider attacks the device's folder (the device itself may be running, down or gone). */
    record Hostile(long at, DeviceRef device, HostileAct act) implements Step {}

    /**
     * The server that holds the account's mailbox comes back from a restore (from a backup, a migration)
     * with the device's folder rebuilt: a new UIDVALIDITY, the same messages under new UIDs in another
     * order. Like {@link ServerRestart}, every connection of the account's devices drops. The device
     * itself may be running, down or gone; its siblings read the folder too.
     */
    record FolderRebuild(long at, DeviceRef device) implements Step {}
}
