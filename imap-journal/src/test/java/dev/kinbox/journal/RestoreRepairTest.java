package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an author makes of its folder restored under a new UIDVALIDITY, decided without a store. */
class RestoreRepairTest {
    static final String ME = "00000000000000aa";
    static final String OTHER = "00000000000000bb";

    /** A whole-folder listing: entries {uid, from, to}, snapshots {uid, seq}, marks {uid, deleted}, all by {@code device}. */
    static ServerFolder.Listing folder(String device, long[][] entries, long[][] snapshots, long[][] marks) {
        List<ServerFolder.Entry> es = new ArrayList<>();
        List<Long> uids = new ArrayList<>();
        for (long[] e : entries) {
            es.add(new ServerFolder.Entry(e[0], device, e[1], e[2]));
            uids.add(e[0]);
        }
        List<ServerFolder.Snap> ss = new ArrayList<>();
        for (long[] s : snapshots) {
            ss.add(new ServerFolder.Snap(s[0], device, s[1]));
            uids.add(s[0]);
        }
        List<ServerFolder.Mark> ms = new ArrayList<>();
        for (long[] m : marks) {
            ms.add(new ServerFolder.Mark(m[0], device, m[1]));
            uids.add(m[0]);
        }
        uids.sort(null);
        long max = uids.isEmpty() ? 0 : uids.get(uids.size() - 1);
        return new ServerFolder.Listing(7, 1, max, max + 1, List.copyOf(uids), es, ss, List.of(), ms, List.of());
    }

    static final long[][] NONE = {};

    @Test void restoredWithEverything_onlyTheUidsChange() {
        RestoreRepair r = RestoreRepair.of(folder(ME, new long[][] {{2, 7, 9}, {3, 10, 12}}, new long[][] {{1, 6}}, NONE), ME, 12, 6, 0, 6);
        assertFalse(r.lost());
        assertEquals(12, r.uploadFrom());
        assertEquals(3, r.lastUid());
        assertEquals(List.of(), r.detached());
    }

    @Test void newestEntriesLost_uploadsAgainFromTheCoversEnd_andDropsWhatWasUploadedSince() {
        // 1..3 survived; 4..6 and 7..9 were lost; 10..12 went up after the restore
        RestoreRepair r = RestoreRepair.of(folder(ME, new long[][] {{1, 1, 3}, {2, 10, 12}}, NONE, NONE), ME, 12, 0, 0, 0);
        assertTrue(r.lost());
        assertEquals(3, r.covered());
        assertEquals(3, r.uploadFrom());
        assertEquals(1, r.lastUid());
        assertEquals(List.of(2L), r.detached());
    }

    @Test void snapshotLost_uploadsTheLocalSnapshotAgain_andKeepsTheEntriesThatContinueIt() {
        // the snapshot at 6 is gone; 7..9 survived; nothing older is left
        RestoreRepair r = RestoreRepair.of(folder(ME, new long[][] {{1, 7, 9}}, NONE, NONE), ME, 9, 6, 0, 6);
        assertTrue(r.lost());
        assertEquals(0, r.covered());
        assertEquals(9, r.uploadFrom(), "7..9 continues the snapshot that goes up again");
        assertEquals(0, r.serverSnapshot(), "the snapshot cursor goes back: the local snapshot is uploaded again");
        assertEquals(List.of(), r.detached());
    }

    @Test void snapshotAndEntriesLost_uploadsFromTheLocalSnapshot_andDropsAnEntryThatDoesNotContinueIt() {
        RestoreRepair r = RestoreRepair.of(folder(ME, new long[][] {{1, 10, 12}}, NONE, NONE), ME, 12, 6, 0, 6);
        assertEquals(6, r.uploadFrom());
        assertEquals(List.of(1L), r.detached());
    }

    @Test void aDeletionMark_coversWhatItDeleted_andALostOneGoesUpAgain() {
        RestoreRepair kept = RestoreRepair.of(folder(ME, new long[][] {{2, 21, 25}}, NONE, new long[][] {{1, 20}}), ME, 25, 0, 20, 0);
        assertFalse(kept.lost());
        assertEquals(25, kept.covered());
        RestoreRepair markLost = RestoreRepair.of(folder(ME, new long[][] {{2, 21, 25}}, new long[][] {{1, 20}}, NONE), ME, 25, 20, 20, 20);
        assertTrue(markLost.lost());
        assertEquals(0, markLost.serverMark(), "the mark cursor goes back: the mark is written again");
        assertEquals(25, markLost.uploadFrom(), "the snapshot at 20 still covers what the mark deleted");
    }

    @Test void anotherDevicesMessages_coverNothing_andAreNeverDeleted() {
        RestoreRepair r = RestoreRepair.of(folder(OTHER, new long[][] {{1, 1, 12}}, new long[][] {{2, 12}}, NONE), ME, 12, 0, 0, 0);
        assertTrue(r.lost());
        assertEquals(0, r.covered());
        assertEquals(0, r.uploadFrom());
        assertEquals(List.of(), r.detached());
    }
}
