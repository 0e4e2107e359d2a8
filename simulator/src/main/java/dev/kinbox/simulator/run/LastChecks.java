package dev.kinbox.simulator.run;

import dev.kinbox.simulator.fleet.DeviceSystems;
import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.workload.DeviceRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * The settle's last liveness checks, asked of every running device once the clock is frozen
 * ({@link Fleet#checkLiveness}). A device's periodic work - an activity refresh that fell due before the
 * clock stopped, a retirement - happens at its liveness check, and in a large fleet those are stretched
 * far apart (13.7 s at 687 devices), so the settle had to find every check clean for one and a half of
 * them before it could end; with each device's check asked now and answered once acted on, the settle
 * knows when that work is done. At most {@link #IN_FLIGHT} checks run at once: each reads its account's
 * announcements on the fleet's blocking threads.
 */
final class LastChecks {
    /** Checks asked side by side. */
    static final int IN_FLIGHT = 64;
    /**
     * How often a device's check is asked before it counts as not acted on: a check can fail on a connection the
     * fault model dropped (seen: 2 of 671 devices in a 200-account run), and the next one reconnects.
     */
    static final int ATTEMPTS = 3;

    /**
     * How the checks went: of {@code asked} devices, {@code acted} had their check acted on or no longer work
     * in their account (retired: nothing to check); {@code failure} is the first reason of another, null when none.
     */
    record Outcome(int asked, int acted, String failure, double seconds) {
        boolean all() { return acted == asked; }
    }

    private LastChecks() { }

    /**
     * Asks each of {@code devices} for its check, waiting for the answers until {@code untilNanos}
     * ({@code System.nanoTime}); {@code progress} hears how many were answered (not from this thread only).
     * Interrupted, the thread keeps its interrupt and the checks not answered yet count as not acted on.
     */
    static Outcome run(Fleet fleet, Collection<DeviceRef> devices, long untilNanos, IntConsumer progress) {
        long t0 = System.nanoTime();
        Semaphore slots = new Semaphore(IN_FLIGHT);
        List<CompletableFuture<String>> answers = new ArrayList<>(); // null: acted on, else why not
        java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
        try {
            for (DeviceRef d : devices) {
                if (!slots.tryAcquire(Math.max(0, untilNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) break;
                CompletableFuture<String> a = ask(fleet, d, ATTEMPTS);
                a.whenComplete((v, e) -> {
                    slots.release();
                    progress.accept(answered.incrementAndGet());
                });
                answers.add(a);
            }
            int acted = 0;
            String failure = answers.size() < devices.size() ? "not asked in time: " + (devices.size() - answers.size()) + " device(s)" : null;
            for (CompletableFuture<String> a : answers) {
                String why;
                try {
                    why = a.get(Math.max(0, untilNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    why = "not answered in time";
                } catch (java.util.concurrent.ExecutionException e) {
                    why = DeviceSystems.reason(e.getCause());
                }
                if (why == null) acted++;
                else if (failure == null) failure = why;
            }
            return new Outcome(devices.size(), acted, failure, (System.nanoTime() - t0) / 1e9);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(devices.size(), 0, "interrupted", (System.nanoTime() - t0) / 1e9);
        }
    }

    /**
     * {@code d}'s check: null once acted on, or when it failed because {@code d} is retired; else, after
     * {@code attempts} tries, why it failed.
     */
    private static CompletableFuture<String> ask(Fleet fleet, DeviceRef d, int attempts) {
        CompletableFuture<String> out = new CompletableFuture<>();
        try {
            fleet.checkLiveness(d).whenComplete((v, e) -> {
                if (e == null) {
                    out.complete(null);
                    return;
                }
                String why = d + ": " + DeviceSystems.reason(e);
                try {
                    fleet.retirement(d).whenComplete((retired, e2) -> {
                        if (e2 == null && retired.isPresent()) out.complete(null);
                        else if (attempts > 1) ask(fleet, d, attempts - 1).whenComplete((again, e3) -> out.complete(e3 == null ? again : why));
                        else out.complete(why);
                    });
                } catch (RuntimeException e2) {
                    out.complete(why);
                }
            });
        } catch (RuntimeException e) {
            out.complete(d + ": " + DeviceSystems.reason(e));
        }
        return out;
    }
}
