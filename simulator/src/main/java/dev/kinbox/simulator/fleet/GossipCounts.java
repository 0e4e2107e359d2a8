package dev.kinbox.simulator.fleet;

/**
 * What became of the gossip mails ({@code Change.GossipMail}) handed to devices so far, all devices together.
 *
 * @param delivered     mails built and handed to a device's MUAA
 * @param opened        decrypted with an account key the device holds: their gossip was read
 * @param undecryptable encrypted to no key the device holds: no gossip read (Level 1 still records the outer header)
 * @param refused       malformed (bad OpenPGP data): refused whole, nothing recorded, the edit not acknowledged
 * @param unsent        not built: the device's state had no current account key to encrypt to
 */
public record GossipCounts(long delivered, long opened, long undecryptable, long refused, long unsent) {
    /** Nothing delivered (a fleet without gossip mail). */
    public static final GossipCounts NONE = new GossipCounts(0, 0, 0, 0, 0);

    /** These counts and {@code o}'s together (several fleets' mails, as on the nodes of a cluster). */
    public GossipCounts plus(GossipCounts o) {
        return new GossipCounts(delivered + o.delivered, opened + o.opened, undecryptable + o.undecryptable, refused + o.refused, unsent + o.unsent);
    }
}
