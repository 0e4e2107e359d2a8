package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.sma.SmaFolders;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Nudges for a sibling that does not read stay bounded: the sender deletes its own older ones. */
class NudgesTest {
    static final JournalFixture.Device A = JournalFixture.device();
    static final JournalFixture.Device B = JournalFixture.device();
    final MemoryMailStore store = new MemoryMailStore();
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final Nudges nudges = new Nudges(store, JournalFixture.keyring(A, B), Clock.systemUTC(), new JournalStats(), nanos::get);
    final String folderB = folderOf(B);

    @AfterEach void close() {
        store.close();
    }

    @Test void aSiblingThatNeverReads_holdsOnlyTheNudgesOfTheLastFewSeconds() {
        store.createFolder(folderB);
        long step = Nudges.REPLACE_AFTER.toNanos() / 10;
        int most = 0;
        for (int i = 1; i <= 200; i++) { // 200 uploads over 20 x REPLACE_AFTER; B reads none of them
            nudges.nudgeAll(i);
            nanos.addAndGet(step);
            most = Math.max(most, messages());
        }
        assertTrue(most <= 12, "at most REPLACE_AFTER's worth of nudges and one more, not one per upload: " + most);
        assertTrue(messages() >= 1, "the newest nudge is always there to wake the reader");
    }

    @Test void nudgesInARecentBurst_areAllKept_forAReaderThatIsAwake() {
        store.createFolder(folderB);
        for (int i = 1; i <= 5; i++) nudges.nudgeAll(i);
        assertEquals(5, messages(), "nothing is deleted within REPLACE_AFTER: no extra work while the sibling reads");
    }

    @Test void nudgesTheReaderAlreadyTook_areNoProblem() {
        store.createFolder(folderB);
        nudges.nudgeAll(1);
        store.delete(folderB, store.fetch(folderB, UidRange.all(), Fetch.HEADERS).stream().map(m -> m.uid()).toList());
        nanos.addAndGet(Nudges.REPLACE_AFTER.toNanos() + 1);
        nudges.nudgeAll(2);
        assertEquals(1, messages());
    }

    static String folderOf(JournalFixture.Device d) {
        try {
            return SmaFolders.deviceFolder(d.id());
        } catch (dev.kinbox.journal.sma.SmaFormatException e) {
            throw new IllegalStateException(e);
        }
    }

    private int messages() {
        return (int) store.status(folderB).messages();
    }
}
