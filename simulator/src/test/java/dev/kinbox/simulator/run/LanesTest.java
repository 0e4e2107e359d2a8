package dev.kinbox.simulator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** An account's steps run in order; a run cut off at its bound interrupts what still runs and drops what waits. */
class LanesTest {
    @Test void stepsOfOneAccount_runInOrder_andDrainWhenDone() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Lanes lanes = new Lanes(4)) {
            for (int i = 0; i < 20; i++) {
                int n = i;
                lanes.submit(7, () -> seen.add("a7-" + n));
            }
            assertTrue(lanes.drain(10_000));
        }
        assertEquals(java.util.stream.IntStream.range(0, 20).mapToObj(i -> "a7-" + i).toList(), seen);
    }

    @Test void aStepThatThrows_doesNotTakeItsAccountsLaterStepsWithIt() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Lanes lanes = new Lanes(2)) {
            lanes.submit(3, () -> seen.add("first"));
            lanes.submit(3, () -> {
                throw new IllegalStateException("a store failure the fleet let through");
            });
            lanes.submit(3, () -> seen.add("after the failure"));
            lanes.submit(3, () -> seen.add("and the next"));
            assertTrue(lanes.drain(10_000));
        }
        assertEquals(List.of("first", "after the failure", "and the next"), seen);
    }

    @Test void cutOffLanes_interruptTheRunningStep_dropTheQueued_andReportWhenStopped() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        List<String> seen = new CopyOnWriteArrayList<>();
        Lanes lanes = new Lanes(2);
        lanes.submit(1, () -> {
            running.countDown();
            try {
                Thread.sleep(60_000);
                seen.add("slept on");
            } catch (InterruptedException e) {
                seen.add("interrupted");
            }
        });
        lanes.submit(1, () -> seen.add("queued step"));
        assertTrue(running.await(10, TimeUnit.SECONDS));
        assertFalse(lanes.drain(100), "the first step still sleeps");
        lanes.close();
        assertTrue(lanes.awaitStopped(10_000), "an interrupted step ends");
        assertEquals(List.of("interrupted"), seen, "the queued step never ran");
    }

    @Test void aStepThatIgnoresInterrupts_isReportedStillRunning() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Lanes lanes = new Lanes(1);
        lanes.submit(1, () -> {
            running.countDown();
            boolean done = false;
            for (int tries = 0; tries < 6 && !done; tries++) { // bounded: a minute at most
                try {
                    done = release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    // a stubborn step: goes on waiting
                }
            }
        });
        assertTrue(running.await(10, TimeUnit.SECONDS));
        lanes.close();
        assertFalse(lanes.awaitStopped(200));
        release.countDown();
        assertTrue(lanes.awaitStopped(10_000));
    }
}
