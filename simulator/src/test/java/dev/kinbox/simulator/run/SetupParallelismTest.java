package dev.kinbox.simulator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How many accounts a run starts side by side: every account of a small fleet, at most 32. */
class SetupParallelismTest {
    @Test void everyAccountOfASmallFleet_atMostThirtyTwo() {
        assertEquals(1, Runner.setupParallelism(1));
        assertEquals(10, Runner.setupParallelism(10));
        assertEquals(32, Runner.setupParallelism(32));
        assertEquals(32, Runner.setupParallelism(250));
        assertEquals(32, Runner.setupParallelism(25_000));
    }

    @Test void anEmptySetupStillGetsAThread() {
        assertEquals(1, Runner.setupParallelism(0));
    }
}
