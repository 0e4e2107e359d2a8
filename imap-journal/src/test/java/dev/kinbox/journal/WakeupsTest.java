package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MemoryMailStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Live queries wait for a nudge or their sweep: a signal wakes every waiter, a signal between taking
 * the wake-up and waiting on it is not lost, and waits that end by their timeout leave nothing
 * behind (a device whose siblings never nudge it sweeps for weeks).
 */
class WakeupsTest {
    final MemoryMailStore store = new MemoryMailStore();
    final ExecutorService executor = Executors.newFixedThreadPool(2);
    final Wakeups wakeups = new Wakeups(store, new ServerFolder(store, "_Autocrypt_SMA_00000000000000aa", new JournalStats()), executor,
            new JournalStats());

    @AfterEach void close() {
        wakeups.close();
        executor.shutdownNow();
        store.close();
    }

    @Test void aSignal_wakesEveryWaiter_beforeTheirTimeout() throws Exception {
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (int i = 0; i < 3; i++) waits.add(wakeups.await(wakeups.current(), Duration.ofMinutes(5)));
        assertFalse(waits.get(0).isDone(), "nothing woke it yet");
        wakeups.signal();
        for (CompletableFuture<Void> w : waits) w.get(5, TimeUnit.SECONDS);
    }

    @Test void aSignalBetweenTakingTheWakeupAndWaiting_isNotLost() throws Exception {
        CompletableFuture<Void> wake = wakeups.current();
        wakeups.signal(); // e.g. a nudge arrived while the query read its folder
        wakeups.await(wake, Duration.ofMinutes(5)).get(5, TimeUnit.SECONDS);
    }

    @Test void aWaitWithoutSignal_endsAtItsTimeout() throws Exception {
        long start = System.nanoTime();
        wakeups.await(wakeups.current(), Duration.ofMillis(50)).get(5, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(45).toNanos(), "not before the timeout");
    }

    @Test void waitsThatTimedOut_leaveNothingOnThePendingWakeup() throws Exception {
        CompletableFuture<Void> wake = wakeups.current();
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) waits.add(wakeups.await(wake, Duration.ofMillis(1)));
        CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertFalse(wake.isDone(), "no signal came");
        assertEquals(0, wake.getNumberOfDependents(), "sweeps without a nudge must not pile up on the pending wake-up");
    }
}
