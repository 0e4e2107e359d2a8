package dev.kinbox.simulator.fleet;

/**
 * What one account's mailbox holds, by SMA message kind.
 *
 * @param journal journal entries, snapshots and deletion marks (what the snapshot bound covers)
 * @param drops   nudges and pairing drops: hints deleted by their reader, so they pile up only in the
 *                folders of devices that do not read (stopped, left, offline)
 * @param other   announcements and anything that is not an SMA message
 */
public record StoreMessages(long journal, long drops, long other) {
    public static final StoreMessages NONE = new StoreMessages(0, 0, 0);

    public long total() { return journal + drops + other; }
}
