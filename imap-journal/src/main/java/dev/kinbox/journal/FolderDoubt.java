package dev.kinbox.journal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a device may create its own folder again, having found it gone where it had uploaded
 * (docs/PROTOCOL.md, "Removal and expiry"). Siblings delete the folder of a device they retired, and
 * say so in a signed notice in {@code _Autocrypt_SMA}. A device retired while it was not running
 * learns that only when its MUAA reads the notices (at its start, or at a liveness check), and by then
 * its recovery has started uploading and watching, either of which would create the folder again and
 * upload its whole journal into it, for the siblings to delete once more.
 *
 * <p>So while a notice naming the device is there, or any retirement roll (which lists the retired devices in its
 * signed body, where a search cannot look; since 2026-12-06, thirty-third session), a missing folder is in doubt: its creators wait for
 * the MUAA's word and ask for it ({@link #onDoubt}). The word is "retired" (the host retires: nothing
 * creates the folder again) or "not retired" ({@link #notRetired}: a read of the notices found none it
 * trusts naming the device - which authors to trust is in the MUAA's state, so the journal cannot judge
 * a notice itself). They wait no longer than {@code maxWait}: a device with no lifecycle has nobody to
 * answer. Without such a notice (the provider deleted the folder, or restored an old backup) the
 * folder is created at once, as before. A settled doubt (the word, the wait, or no notice found) stays
 * settled for {@code maxWait}, so the uploads and the watch, which ask one after the other, do not
 * search or ask again - for the same loss only: the folder rebuilt (a new UIDVALIDITY) and gone again is
 * a new loss, looked at afresh. A device back after its notice was collected finds none at its start
 * (and no roll tells it: a sibling of a version before rolls) and rebuilds; the sibling that deletes the folder again first renews the notice, and the next loss is
 * in doubt (before 2026-12-06, thirty-first session, it was rebuilt at once at every deletion within
 * {@code maxWait}, which in the simulator's compressed time spans many of the siblings' checks).
 */
final class FolderDoubt {
    private static final Logger LOG = LoggerFactory.getLogger(FolderDoubt.class);
    private final String folder;
    private final BooleanSupplier noticeNamesDevice;
    private final Runnable over;
    private final Duration maxWait;
    private final LongSupplier nanos;
    private final BiConsumer<Duration, Runnable> schedule;
    /** Words "not retired" so far. */
    private final AtomicLong words = new AtomicLong();
    private final AtomicReference<Runnable> ask = new AtomicReference<>(() -> { });
    // guarded by this
    private boolean doubting;
    private long since;
    private long wordsAt;
    private boolean settled;
    private long settledAt;
    /** The loss the settled doubt was about: the UIDVALIDITY the device had uploaded under. */
    private long settledFor;

    /**
     * @param folder            the device's own folder (for the log)
     * @param noticeNamesDevice whether a retirement notice naming the device is in the announcements
     *                          folder (blocking: a SEARCH of its headers; may throw a store error)
     * @param over              wakes those that waited, once the word came or the wait is up
     * @param maxWait           the longest wait for the word
     * @param nanos             a monotonic clock (System::nanoTime)
     * @param schedule          runs a task after a delay (the end of the wait)
     */
    FolderDoubt(String folder, BooleanSupplier noticeNamesDevice, Runnable over, Duration maxWait, LongSupplier nanos,
                BiConsumer<Duration, Runnable> schedule) {
        this.folder = folder;
        this.noticeNamesDevice = noticeNamesDevice;
        this.over = over;
        this.maxWait = maxWait;
        this.nanos = nanos;
        this.schedule = schedule;
    }

    /**
     * Asked by whoever would create the device's folder, having found it gone where the device had
     * it - under UIDVALIDITY {@code gone}, the loss asked about. True: create it. False: wait; {@code over}
     * runs when the word comes or the wait is up. May search the announcements folder (blocking I/O); a
     * store error there is the caller's to handle (as a failure to create the folder).
     */
    boolean mayCreate(long gone) {
        long w = words.get(); // before the search: a word during it counts
        long now = nanos.getAsLong();
        synchronized (this) {
            if (doubting) {
                if (words.get() == wordsAt && !passed(since, now)) return false;
                doubting = false;
                settle(now, gone);
                LOG.info("{} is gone and a retirement notice or roll may name its device; {}: creating it again", folder,
                        words.get() == wordsAt ? "no word from its MUAA within " + maxWait : "its MUAA found no notice or roll it trusts");
                return true;
            }
            if (settled && settledFor == gone && !passed(settledAt, now)) return true;
        }
        boolean noticed = noticeNamesDevice.getAsBoolean();
        Runnable asking;
        synchronized (this) {
            if (!noticed) {
                settle(now, gone);
                return true;
            }
            if (doubting) return false; // another caller began the wait meanwhile
            doubting = true;
            since = now;
            wordsAt = w;
            asking = ask.get(); // with the doubt: a listener set from here on is told by onDoubt, not twice
        }
        LOG.info("{} is gone and a retirement notice or roll may name its device: its siblings may have retired it; "
                + "not creating it again until its MUAA has read the notices (at most {})", folder, maxWait);
        schedule.accept(maxWait.plusMillis(100), over); // a little after its end: a scheduler's tick may come early
        asking.run();
        return false;
    }

    /** True while creators wait for the word: no store operation needed to know they must not create. */
    synchronized boolean waiting() {
        return doubting && words.get() == wordsAt && !passed(since, nanos.getAsLong());
    }

    /** The device's MUAA read the notices and none it trusts names the device: those waiting create the folder. */
    void notRetired() {
        words.incrementAndGet();
        boolean wake;
        synchronized (this) {
            wake = doubting;
        }
        if (wake) over.run();
    }

    /** Has {@code listener} told (on a journal thread) when a doubt begins, or at once if one is under way: the MUAA reads the notices. */
    void onDoubt(Runnable listener) {
        boolean now;
        synchronized (this) { // with the doubt's beginning: a listener set as a doubt begins is told once, here or there
            ask.set(listener);
            now = doubting;
        }
        if (now) listener.run();
    }

    /** Forgets {@code listener} if it is still the one set (a newer MUAA of the device may have replaced it). */
    void offDoubt(Runnable listener) {
        ask.compareAndSet(listener, () -> { });
    }

    /** Whether {@code maxWait} has passed between {@code from} and {@code now}. */
    private boolean passed(long from, long now) {
        return now - from >= maxWait.toNanos();
    }

    private void settle(long now, long gone) {
        settled = true;
        settledAt = now;
        settledFor = gone;
    }
}
