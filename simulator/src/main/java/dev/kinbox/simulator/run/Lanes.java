package dev.kinbox.simulator.run;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One lane per account: the steps of an account run one after the other, in the order given, while
 * accounts run side by side on a small pool. A slow step (a join pairing through drops, an orderly
 * leave waiting for its uploads, a removal cleaning up) then holds back only its own account, not
 * the whole schedule.
 */
final class Lanes implements AutoCloseable {
    private final ExecutorService pool;
    private final Map<Integer, CompletableFuture<Void>> tails = new HashMap<>();

    Lanes(int threads) {
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "sim-lane");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs {@code step} after every step submitted before for {@code account}, whether those completed or
     * threw: a step that throws must not take its account's later steps with it (with {@code thenRunAsync}
     * it did, silently - seen in GreenMail runs with server restarts, where whole accounts stopped stepping).
     */
    synchronized void submit(int account, Runnable step) {
        tails.put(account, tails.getOrDefault(account, CompletableFuture.completedFuture(null)).handleAsync((v, failed) -> {
            step.run();
            return null;
        }, pool));
    }

    /** Waits until every submitted step ran, at most {@code timeoutMs}; false if some had not. */
    boolean drain(long timeoutMs) throws InterruptedException {
        CompletableFuture<Void> all;
        synchronized (this) {
            all = CompletableFuture.allOf(tails.values().toArray(CompletableFuture[]::new));
        }
        try {
            all.get(timeoutMs, TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true; // every step ran; a step's own failure is recorded by the runner
        }
    }

    /** Stops the lanes: queued steps are dropped, running ones interrupted. */
    @Override public void close() { pool.shutdownNow(); }

    /** After {@link #close}: waits until no step runs any more, at most {@code timeoutMs}; false if one still does. */
    boolean awaitStopped(long timeoutMs) throws InterruptedException {
        return pool.awaitTermination(timeoutMs, TimeUnit.MILLISECONDS);
    }
}
