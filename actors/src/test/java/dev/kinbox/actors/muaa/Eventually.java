package dev.kinbox.actors.muaa;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds, bounded in time, failing with what was awaited and what was seen. */
final class Eventually {
    private Eventually() {}

    static void until(String what, BooleanSupplier holds) throws InterruptedException {
        until(what, Duration.ofSeconds(15), holds, () -> "");
    }

    static void until(String what, Duration limit, BooleanSupplier holds, Supplier<String> seen) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!holds.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within " + limit + ": " + what + " " + seen.get());
            Thread.sleep(50);
        }
    }
}
