package dev.kinbox.simulator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.fleet.ForwardingFleet;
import dev.kinbox.simulator.fleet.HostedFleet;
import dev.kinbox.simulator.workload.DeviceRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The settle's last liveness checks ({@link LastChecks}): asked of every device, bounded, answered or told why not. */
class LastChecksTest {
    private static final DeviceRef A = new DeviceRef(0, 0), B = new DeviceRef(0, 1), C = new DeviceRef(1, 0);

    /** A fleet that only checks, with {@code check}, and answers {@code retired} for whether a device is retired. */
    private static ForwardingFleet checking(Function<DeviceRef, CompletionStage<Void>> check, Set<DeviceRef> retired) {
        return new ForwardingFleet(null) {
            @Override public CompletionStage<Void> checkLiveness(DeviceRef d) {
                return check.apply(d);
            }

            @Override public CompletionStage<Optional<String>> retirement(DeviceRef d) {
                return CompletableFuture.completedFuture(retired.contains(d) ? Optional.of("a sibling removed it") : Optional.empty());
            }
        };
    }

    private static long inSeconds(long s) {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(s);
    }

    @Test
    void everyDevicesCheck_actedOn_isAll() {
        Map<DeviceRef, Integer> asked = new ConcurrentHashMap<>();
        LastChecks.Outcome o = LastChecks.run(checking(d -> {
            asked.merge(d, 1, Integer::sum);
            return CompletableFuture.completedFuture(null);
        }, Set.of()), List.of(A, B, C), inSeconds(10), n -> { });
        assertTrue(o.all(), o.toString());
        assertEquals(Map.of(A, 1, B, 1, C, 1), asked);
    }

    @Test
    void aCheckThatFailsOnADroppedConnection_isAskedAgain() {
        AtomicInteger tries = new AtomicInteger();
        LastChecks.Outcome o = LastChecks.run(checking(d -> tries.incrementAndGet() == 1
                ? CompletableFuture.failedFuture(new IllegalStateException("LIST: connection dropped (simulated)"))
                : CompletableFuture.completedFuture(null), Set.of()), List.of(A), inSeconds(10), n -> { });
        assertTrue(o.all(), o.toString());
        assertEquals(2, tries.get());
    }

    @Test
    void aRetiredDevice_hasNothingToCheck_andCountsAsActedOn() {
        LastChecks.Outcome o = LastChecks.run(checking(d -> d.equals(B)
                ? CompletableFuture.failedFuture(new IllegalStateException("this device is retired"))
                : CompletableFuture.completedFuture(null), Set.of(B)), List.of(A, B), inSeconds(10), n -> { });
        assertTrue(o.all(), o.toString());
    }

    @Test
    void aCheckThatKeepsFailing_isNotActedOn_andTheOutcomeSaysWhy() {
        AtomicInteger tries = new AtomicInteger();
        LastChecks.Outcome o = LastChecks.run(checking(d -> {
            if (!d.equals(C)) return CompletableFuture.completedFuture(null);
            tries.incrementAndGet();
            return CompletableFuture.failedFuture(new IllegalStateException("NO [UNAVAILABLE] _Autocrypt_SMA"));
        }, Set.of()), List.of(A, B, C), inSeconds(10), n -> { });
        assertFalse(o.all());
        assertEquals(2, o.acted());
        assertEquals(LastChecks.ATTEMPTS, tries.get());
        assertNotNull(o.failure());
        assertTrue(o.failure().contains(C.toString()) && o.failure().contains("UNAVAILABLE"), o.failure());
    }

    @Test
    void aCheckNeverAnswered_endsTheWaitAtTheDeadline() {
        long t0 = System.nanoTime();
        LastChecks.Outcome o = LastChecks.run(checking(d -> d.equals(A) ? new CompletableFuture<>() : CompletableFuture.completedFuture(null),
                Set.of()), List.of(A, B), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300), n -> { });
        assertFalse(o.all());
        assertEquals(1, o.acted());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "waited past its deadline");
    }

    @Test
    void atMostInFlightChecks_runAtOnce() {
        AtomicInteger running = new AtomicInteger(), most = new AtomicInteger();
        List<DeviceRef> many = new ArrayList<>();
        for (int i = 0; i < 3 * LastChecks.IN_FLIGHT; i++) many.add(new DeviceRef(i, 0));
        LastChecks.Outcome o = LastChecks.run(checking(d -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            return CompletableFuture.runAsync(running::decrementAndGet, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
        }, Set.of()), many, inSeconds(20), n -> { });
        assertTrue(o.all(), o.toString());
        assertTrue(most.get() <= LastChecks.IN_FLIGHT, "checks at once: " + most.get());
        assertTrue(most.get() > 1, "the checks ran one at a time");
    }

    /**
     * With liveness checks 20 s apart the settle used to wait one and a half of them (30 s, here the whole settle)
     * for a refresh due before the clock stopped; now it asks every running device for its check and ends on clean
     * looks a second after the last was acted on.
     */
    @Test
    void theSettle_asksEveryRunningDeviceForALastCheck_andEndsSoonAfterTheyAreActedOn() throws Exception {
        Set<DeviceRef> asked = ConcurrentHashMap.newKeySet();
        Set<DeviceRef> runningWhenAsked = ConcurrentHashMap.newKeySet();
        HostedFleet.Options slowChecks = new HostedFleet.Options(50, Duration.ofSeconds(2), 8, HostedFleet.DEFAULT_EXPIRE_AFTER,
                Duration.ofSeconds(20), Duration.ofMillis(500));
        RunResult r = RunnerTest.run(RunnerTest.tiny(7), Duration.ofSeconds(30), f -> new ForwardingFleet(f) {
            @Override public CompletionStage<Void> checkLiveness(DeviceRef d) {
                if (asked.isEmpty()) runningWhenAsked.addAll(delegate.running());
                asked.add(d);
                return delegate.checkLiveness(d);
            }
        }, slowChecks);
        assertTrue(r.ok(), r.check().violations() + " " + r.notes());
        assertFalse(asked.isEmpty(), "no device was asked for a last check");
        assertEquals(runningWhenAsked, asked);
        assertTrue(r.notes().stream().noneMatch(n -> n.contains("last liveness checks")), r.notes().toString());
        assertTrue(r.settleSeconds() < 15, "the settle waited for the periodic checks: " + r.settleSeconds() + " s");
    }
}
