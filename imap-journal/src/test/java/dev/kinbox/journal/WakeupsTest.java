package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.sma.SmaHeader;
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
 * behind (a device whose siblings never nudge it sweeps for weeks). A nudge in the own folder wakes
 * only the queries of its author's folder (and of persistence ids that are no device's) and is
 * deleted; a change without a nudge wakes nobody; a reconnected watch wakes everyone. A pairing drop
 * tells the MUAA's listener, and stays for it to take.
 */
class WakeupsTest {
    final MemoryMailStore store = new MemoryMailStore();
    final ExecutorService executor = Executors.newFixedThreadPool(2);
    static final String OWN = "_Autocrypt_SMA_00000000000000aa";
    static final String B = "00000000000000bb";
    static final String C = "00000000000000cc";
    static final String PID = "sma|a@example.org|" + B;
    static final String PID_C = "sma|a@example.org|" + C;
    static final String OTHER_PID = "app-settings";
    final java.util.concurrent.atomic.AtomicInteger ownFolderResets = new java.util.concurrent.atomic.AtomicInteger();
    final Wakeups wakeups = new Wakeups(store, new ServerFolder(store, OWN, new JournalStats()), executor,
            new JournalStats(), ownFolderResets::incrementAndGet, () -> true);

    @AfterEach void close() {
        wakeups.close();
        executor.shutdownNow();
        store.close();
    }

    @Test void aSignal_wakesEveryWaiter_beforeTheirTimeout() throws Exception {
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (int i = 0; i < 3; i++) waits.add(wakeups.await(wakeups.current(PID), Duration.ofMinutes(5)));
        assertFalse(waits.get(0).isDone(), "nothing woke it yet");
        wakeups.signal();
        for (CompletableFuture<Void> w : waits) w.get(5, TimeUnit.SECONDS);
    }

    @Test void aSignalBetweenTakingTheWakeupAndWaiting_isNotLost() throws Exception {
        CompletableFuture<Void> wake = wakeups.current(PID);
        wakeups.signal(); // e.g. a nudge arrived while the query read its folder
        wakeups.await(wake, Duration.ofMinutes(5)).get(5, TimeUnit.SECONDS);
    }

    @Test void aNudge_wakesItsAuthorsQueries_only_andIsDeleted() throws Exception {
        watching();
        CompletableFuture<Void> b = wakeups.current(PID);
        CompletableFuture<Void> c = wakeups.current(PID_C);
        CompletableFuture<Void> other = wakeups.current(OTHER_PID);
        store.append(OWN, List.of(nudgeBy(B)));
        b.get(5, TimeUnit.SECONDS);
        other.get(5, TimeUnit.SECONDS); // a persistence id that is no device's: any sibling may have written it
        waitUntil(() -> store.status(OWN).messages() == 0, "the nudge is deleted");
        assertFalse(c.isDone(), "C did not nudge: its query sleeps until its sweep");
    }

    /**
     * A watch reports changes from when it began: a nudge a sibling dropped before then (its upload came while this
     * device's first live query read, and the watch was still starting) was found only at the next change, and the
     * query, the watch running, waited its watched sweep (30 s by default) - seen as a 30 s three-device replication
     * test in CI. The watch's start reads the own folder once.
     */
    @Test void aNudgeThatCameBeforeTheWatchStarted_wakesItsAuthorsQueries_onceItStarts() throws Exception {
        store.createFolder(OWN);
        CompletableFuture<Void> b = wakeups.current(PID); // B's folder was read: its query waits
        CompletableFuture<Void> c = wakeups.current(PID_C);
        store.append(OWN, List.of(nudgeBy(B))); // B uploaded and nudged before this device watched its folder
        watching();
        b.get(5, TimeUnit.SECONDS);
        waitUntil(() -> store.status(OWN).messages() == 0, "the nudge is taken");
        assertFalse(c.isDone(), "C did not nudge");
    }

    @Test void theOwnFolderRestoredUnderANewUidValidity_tellsItsUploaders_aPlainChangeDoesNot() throws Exception {
        watching();
        store.append(OWN, List.of(nudgeBy(B)));
        waitUntil(() -> store.status(OWN).messages() == 0, "the nudge is taken");
        assertEquals(0, ownFolderResets.get(), "a change is no reset");
        store.faults().rebuild(OWN);
        waitUntil(() -> ownFolderResets.get() > 0, "the uploaders are told of the new UIDVALIDITY");
    }

    @Test void aChangeWithoutANudge_wakesNobody() throws Exception {
        watching();
        store.append(OWN, List.of(nudgeBy(B)));
        waitUntil(() -> store.status(OWN).messages() == 0, "the first nudge is taken");
        CompletableFuture<Void> b = wakeups.current(PID);
        CompletableFuture<Void> c = wakeups.current(PID_C);
        long uid = store.append(OWN, List.of(entry())).uids().get(0); // this device's own upload
        store.delete(OWN, List.of(uid)); // and an expunge
        Thread.sleep(300); // the watch reports both; reading them finds no nudge
        assertFalse(b.isDone(), "no nudge from B");
        assertFalse(c.isDone(), "no nudge from C");
        store.append(OWN, List.of(nudgeBy(C)));
        c.get(5, TimeUnit.SECONDS); // still listening, from where the last read ended
        assertFalse(b.isDone(), "C's nudge is not B's");
    }

    @Test void aReconnectedWatch_wakesEveryQuery() throws Exception {
        watching();
        CompletableFuture<Void> b = wakeups.current(PID);
        CompletableFuture<Void> c = wakeups.current(PID_C);
        store.faults().dropConnections(0, dev.kinbox.journal.mail.MemoryFaults.DropPoint.BEFORE_APPLY); // the watch reconnects
        b.get(5, TimeUnit.SECONDS);
        c.get(5, TimeUnit.SECONDS);
    }

    @Test void aPairingDrop_tellsTheListener_startingTheWatch_andStaysForTheMuaaToTake() throws Exception {
        java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
        wakeups.onPairingDrops(told::incrementAndGet);
        assertTrue(wakeups.watching(), "the listener starts the watch (a device without siblings has no live query)");
        store.append(OWN, List.of(entry())); // this device's own upload
        store.append(OWN, List.of(nudgeBy(B)));
        waitUntil(() -> store.status(OWN).messages() == 1, "the nudge is taken");
        assertEquals(0, told.get(), "neither an upload nor a nudge is a pairing drop");
        store.append(OWN, List.of(pairingDropBy(B)));
        waitUntil(() -> told.get() == 1, "the listener is told of the pairing drop");
        Thread.sleep(200);
        assertEquals(2, store.status(OWN).messages(), "the drop stays, with the upload: the MUAA takes it itself");
    }

    @Test void aListenerReplaced_orStopped_isNotToldAgain() throws Exception {
        java.util.concurrent.atomic.AtomicInteger first = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger second = new java.util.concurrent.atomic.AtomicInteger();
        Runnable one = first::incrementAndGet;
        Runnable two = second::incrementAndGet;
        wakeups.onPairingDrops(one);
        wakeups.onPairingDrops(two); // a new MUAA of the device
        wakeups.stopPairingDrops(one); // the old one stops after: the new listener stays
        store.append(OWN, List.of(pairingDropBy(B)));
        waitUntil(() -> second.get() == 1, "the newer listener is told");
        wakeups.stopPairingDrops(two);
        store.append(OWN, List.of(pairingDropBy(C)));
        Thread.sleep(300);
        assertEquals(0, first.get(), "the replaced listener is never told");
        assertEquals(1, second.get(), "a stopped listener is not told again");
    }

    @Test void aReconnectedWatch_tellsThePairingDropListener() throws Exception {
        java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
        wakeups.onPairingDrops(told::incrementAndGet);
        store.faults().dropConnections(0, dev.kinbox.journal.mail.MemoryFaults.DropPoint.BEFORE_APPLY); // the watch reconnects
        waitUntil(() -> told.get() > 0, "drops may have come unseen: the MUAA is told to look");
    }

    @Test void aWaitWithoutSignal_endsAtItsTimeout() throws Exception {
        long start = System.nanoTime();
        wakeups.await(wakeups.current(PID), Duration.ofMillis(50)).get(5, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(45).toNanos(), "not before the timeout");
    }

    @Test void waitsThatTimedOut_leaveNothingOnThePendingWakeup() throws Exception {
        CompletableFuture<Void> wake = wakeups.current(PID);
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) waits.add(wakeups.await(wake, Duration.ofMillis(1)));
        CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertFalse(wake.isDone(), "no signal came");
        assertEquals(0, wake.getNumberOfDependents(), "sweeps without a nudge must not pile up on the pending wake-up");
    }

    private void watching() {
        wakeups.start();
        assertTrue(wakeups.watching(), "the watch started");
    }

    private static dev.kinbox.journal.mail.NewMessage nudgeBy(String device) throws Exception {
        return SmaMail.build(SmaHeader.of(SmaHeader.Kind.DROP, device, java.util.Map.of("type", "nudge", "seq", "1")), new byte[] {'-'},
                java.time.Clock.systemUTC());
    }

    private static dev.kinbox.journal.mail.NewMessage pairingDropBy(String device) throws Exception {
        return SmaMail.build(SmaHeader.of(SmaHeader.Kind.DROP, device, java.util.Map.of("type", "pair", "session", "s1", "step", "request")),
                new byte[] {'p'}, java.time.Clock.systemUTC());
    }

    private static dev.kinbox.journal.mail.NewMessage entry() throws Exception {
        return SmaMail.build(SmaHeader.of(SmaHeader.Kind.JOURNAL, "00000000000000aa", java.util.Map.of("from", "1", "to", "1")),
                new byte[] {'x'}, java.time.Clock.systemUTC());
    }

    private static void waitUntil(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("not within 5 s: " + what);
            Thread.sleep(10);
        }
    }
}
