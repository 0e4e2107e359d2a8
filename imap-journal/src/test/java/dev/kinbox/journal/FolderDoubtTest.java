package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link FolderDoubt} alone: a fake clock, a notice the test puts there or not, counters for the searches, asks and wake-ups. */
class FolderDoubtTest {
    static final Duration WAIT = Duration.ofMinutes(2);
    /** The UIDVALIDITY the device had uploaded under when it found its folder gone; V2 after it rebuilt it. */
    static final long V1 = 7, V2 = 9;
    final AtomicLong nanos = new AtomicLong(1_000);
    final AtomicBoolean notice = new AtomicBoolean();
    final AtomicInteger searches = new AtomicInteger();
    final AtomicInteger asks = new AtomicInteger();
    final AtomicInteger wakes = new AtomicInteger();
    final List<Duration> scheduled = new ArrayList<>();
    final FolderDoubt doubt = new FolderDoubt("_Autocrypt_SMA_00000000000000aa", () -> {
        searches.incrementAndGet();
        return notice.get();
    }, wakes::incrementAndGet, WAIT, nanos::get, (d, task) -> scheduled.add(d));

    void later(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test void folderGoneWithNoNoticeNamingTheDevice_isCreatedAtOnce_andTheNextCreatorDoesNotSearchAgain() {
        doubt.onDoubt(asks::incrementAndGet);
        assertTrue(doubt.mayCreate(V1), "a provider's deletion or an old backup: rebuilt at once, as before");
        assertTrue(doubt.mayCreate(V1), "the watch, right after the uploads");
        assertEquals(1, searches.get());
        assertEquals(0, asks.get());
        later(WAIT);
        notice.set(true);
        assertFalse(doubt.mayCreate(V1), "a later loss is looked at afresh");
        assertEquals(2, searches.get());
    }

    /**
     * A device back after its notice was collected rebuilt its folder; the sibling that deletes it again renews the notice
     * first. That loss is a new one: before, the settled answer (no notice) held for the whole wait, and in the
     * simulator's compressed time the device rebuilt its folder at each of its siblings' checks (3 times at seed 13).
     */
    @Test void theRebuiltFolderGoneAgain_underANoticeNow_isInDoubt_thoughTheFirstLossWasSettledMomentsAgo() {
        doubt.onDoubt(asks::incrementAndGet);
        assertTrue(doubt.mayCreate(V1), "no notice: rebuilt at once");
        later(Duration.ofSeconds(1));
        notice.set(true); // the sibling's renewed notice, then its deletion of the rebuilt folder
        assertFalse(doubt.mayCreate(V2), "the loss of the rebuilt folder is looked at afresh");
        assertEquals(2, searches.get());
        assertEquals(1, asks.get(), "its MUAA is asked to read the notices");
        assertFalse(doubt.mayCreate(V2), "nor does the watch create it meanwhile");
        assertTrue(doubt.waiting());
    }

    @Test void folderGoneUnderANoticeNamingTheDevice_waitsAndAsksForTheWord_thenIsCreatedOnIt() {
        notice.set(true);
        doubt.onDoubt(asks::incrementAndGet);
        assertFalse(doubt.mayCreate(V1));
        assertTrue(doubt.waiting());
        assertEquals(1, asks.get(), "its MUAA is asked to read the notices");
        assertEquals(List.of(WAIT.plusMillis(100)), scheduled, "and the end of the wait is set");
        later(Duration.ofSeconds(30));
        assertFalse(doubt.mayCreate(V1), "no word yet");
        assertEquals(1, searches.get(), "waiting needs no search");
        assertEquals(1, asks.get());

        doubt.notRetired();
        assertEquals(1, wakes.get(), "those waiting are woken");
        assertFalse(doubt.waiting());
        assertTrue(doubt.mayCreate(V1));
        assertTrue(doubt.mayCreate(V1), "settled: the watch after the uploads creates it too, with no new search");
        assertEquals(1, searches.get());
    }

    @Test void aWordBeforeTheDoubtBegan_doesNotEndIt() {
        doubt.notRetired(); // the start's read, long before the folder went
        assertEquals(0, wakes.get(), "nobody waits");
        notice.set(true);
        assertFalse(doubt.mayCreate(V1));
        assertFalse(doubt.mayCreate(V1), "only a read of the notices after the doubt began answers it");
    }

    @Test void noWord_endsTheWaitAfterTheLongestWait() {
        notice.set(true);
        assertFalse(doubt.mayCreate(V1));
        later(WAIT.minusMillis(1));
        assertFalse(doubt.mayCreate(V1));
        assertTrue(doubt.waiting());
        later(Duration.ofMillis(1));
        assertFalse(doubt.waiting());
        assertTrue(doubt.mayCreate(V1), "a device with no lifecycle has nobody to answer: rebuilt after the wait");
    }

    @Test void aMuaaThatStartsListeningDuringADoubt_isAskedAtOnce_andAnOlderOnesStopLeavesItsListener() {
        notice.set(true);
        assertFalse(doubt.mayCreate(V1)); // the recovery's upload run, before the MUAA recovered
        Runnable older = asks::incrementAndGet;
        doubt.onDoubt(older);
        assertEquals(1, asks.get());
        Runnable newer = () -> asks.addAndGet(10); // the MUAA restarted (its supervisor's back-off)
        doubt.onDoubt(newer);
        assertEquals(11, asks.get());
        doubt.offDoubt(older);
        doubt.notRetired();
        assertTrue(doubt.mayCreate(V1));

        later(WAIT);
        assertFalse(doubt.mayCreate(V1), "a later loss");
        assertEquals(21, asks.get(), "asks the newer MUAA");
        doubt.offDoubt(newer);
        doubt.notRetired();
        assertTrue(doubt.mayCreate(V1));
        later(WAIT);
        assertFalse(doubt.mayCreate(V1));
        assertEquals(21, asks.get(), "a stopped MUAA is not asked");
    }

    /**
     * A MUAA that starts listening just as a doubt begins - after the doubt is set, before its creator asks - is asked
     * once. It was asked twice: once by {@code onDoubt} (a doubt under way), once more by the creator, which read the
     * listener only afterwards (seen: {@code GoneFolderWaitTest}, under the load of a second test JVM).
     */
    @Test void aMuaaThatStartsListeningAsADoubtBegins_isAskedOnce() {
        AtomicInteger late = new AtomicInteger();
        FolderDoubt[] racing = new FolderDoubt[1];
        // the doubt's end is scheduled between its beginning and the ask: the MUAA starts listening there
        racing[0] = new FolderDoubt("_Autocrypt_SMA_00000000000000aa", () -> true, wakes::incrementAndGet, WAIT, nanos::get,
                (d, task) -> racing[0].onDoubt(late::incrementAndGet));

        assertFalse(racing[0].mayCreate(V1));

        assertEquals(1, late.get(), "the MUAA was asked to read the notices, once");
    }
}
