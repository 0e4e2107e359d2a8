package dev.kinbox.simulator.fleet;

import dev.kinbox.journal.JournalStats;

/**
 * What the devices' journals refused while reading their siblings' folders (summed over every
 * device of a fleet; {@link JournalStats}): entries that did not open or were not signed by a paired
 * device or sat in another device's folder ({@code untrusted}), did not parse ({@code malformed}),
 * came again after their events were read ({@code replayed}), and sequence gaps (withheld entries);
 * how often an author found its own folder restored without some of its messages and uploaded
 * them again ({@code foldersRepaired}); and messages the server refused to serve for longer than
 * {@code kinbox.query.refused-pass-over}, passed over ({@code passedOver}; tried again while their gap is open).
 * And in {@code _Autocrypt_SMA}: announcements and retirement notices that did not parse or verify
 * ({@code announcementsRefused}, each device counting each message once), and those of them in a
 * device's own name that it deleted ({@code impostorsDeleted}: forged or altered in its name).
 * And how often an author's audit found its own folder lacking entries, a snapshot or a mark it had
 * uploaded - deleted or altered on the server - and uploaded them again ({@code auditRepairs}).
 */
public record JournalRefusals(long untrusted, long malformed, long replayed, long gaps, long foldersRepaired, long passedOver,
                              long announcementsRefused, long impostorsDeleted, long auditRepairs) {
    /** Nothing refused, nothing repaired. */
    public static final JournalRefusals NONE = new JournalRefusals(0, 0, 0, 0, 0, 0, 0, 0, 0);

    static JournalRefusals of(JournalStats s) {
        return new JournalRefusals(s.untrusted.sum(), s.malformed.sum(), s.replayed.sum(), s.gaps.sum(), s.foldersRepaired.sum(),
                s.passedOver.sum(), s.announcementsRefused.sum(), s.impostorsDeleted.sum(), s.auditRepairs.sum());
    }

    /** The sum of this and {@code o}, field by field (a cluster's nodes). */
    public JournalRefusals plus(JournalRefusals o) {
        return new JournalRefusals(untrusted + o.untrusted, malformed + o.malformed, replayed + o.replayed, gaps + o.gaps,
                foldersRepaired + o.foldersRepaired, passedOver + o.passedOver, announcementsRefused + o.announcementsRefused,
                impostorsDeleted + o.impostorsDeleted, auditRepairs + o.auditRepairs);
    }
}
