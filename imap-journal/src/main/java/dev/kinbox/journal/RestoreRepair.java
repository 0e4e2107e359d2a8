package dev.kinbox.journal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What an author does about its own folder once it finds it under a new UIDVALIDITY - restored from
 * a backup, maybe without its newest messages (docs/PROTOCOL.md, "A folder restored"). A pure
 * decision over a listing of the whole folder and the author's cursors; the uploader carries it out.
 *
 * @param covered        how far the folder still covers the author's sequence: its newest snapshot or
 *                       deletion mark there, then its entries that continue it without a gap
 * @param uploadFrom     the upload cursor's new sequence number: the next entry starts after it
 * @param lastUid        the upload cursor's new UID (the highest of what it keeps)
 * @param detached       UIDs of the author's entries past what it keeps, to delete before uploading again
 * @param serverSnapshot the author's newest snapshot on the server (0: none): the snapshot cursor, where lower
 * @param serverMark     the author's highest deletion mark on the server (0: none): the mark cursor, where lower
 * @param lost           whether the folder lacks anything the author had uploaded
 */
record RestoreRepair(long covered, long uploadFrom, long lastUid, List<Long> detached, long serverSnapshot, long serverMark,
                     boolean lost) {

    /**
     * The repair of {@code device}'s folder listed in full as {@code full}, given how far it had
     * uploaded entries ({@code uploaded}), snapshots ({@code snapshotUploaded}) and deletion marks
     * ({@code markUploaded}), and its newest local snapshot ({@code localSnapshot}, 0: none). Where the
     * cover falls short of {@code uploaded}, the upload starts again at its end - or at the local
     * snapshot where that reaches past it (uploaded again, it covers the lost entries below it) - and
     * keeps the entries there that continue from that point; the author's entries past them go.
     */
    static RestoreRepair of(ServerFolder.Listing full, String device, long uploaded, long snapshotUploaded, long markUploaded,
                            long localSnapshot) {
        long serverSnap = 0, serverMark = 0, maxUid = 0;
        for (ServerFolder.Snap s : full.snapshots()) {
            if (s.device().equals(device)) {
                serverSnap = Math.max(serverSnap, s.seq());
                maxUid = Math.max(maxUid, s.uid());
            }
        }
        for (ServerFolder.Mark k : full.marks()) if (k.device().equals(device)) serverMark = Math.max(serverMark, k.deleted());
        long covered = Math.max(serverSnap, serverMark);
        List<ServerFolder.Entry> ours = full.journal().stream().filter(e -> e.device().equals(device))
                .sorted(Comparator.comparingLong(ServerFolder.Entry::from)).toList();
        for (ServerFolder.Entry e : ours) {
            if (e.from() > covered + 1) break;
            if (e.to() > covered) {
                covered = e.to();
                maxUid = Math.max(maxUid, e.uid());
            }
        }
        long from = uploaded;
        List<Long> detached = new ArrayList<>();
        if (covered < uploaded) {
            from = localSnapshot > covered ? Math.min(localSnapshot, uploaded) : covered;
            for (ServerFolder.Entry e : ours) {
                if (e.from() <= from + 1 && e.to() > from && e.to() <= uploaded) {
                    from = e.to();
                    maxUid = Math.max(maxUid, e.uid());
                }
            }
            // kept, a reader would read them before the lost ones, take those for a gap and wait for a snapshot
            for (ServerFolder.Entry e : ours) if (e.from() > from + 1) detached.add(e.uid());
        }
        boolean lost = from < uploaded || serverSnap < snapshotUploaded || serverMark < markUploaded;
        return new RestoreRepair(covered, from, maxUid, List.copyOf(detached), serverSnap, serverMark, lost);
    }
}
