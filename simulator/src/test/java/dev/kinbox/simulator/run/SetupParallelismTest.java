package dev.kinbox.simulator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How many accounts a run starts side by side grows with the fleet, within bounds. */
class SetupParallelismTest {
    @Test void eightForSmallFleets_growingWithAccounts_atMostSixtyFour() {
        assertEquals(8, Runner.setupParallelism(1));
        assertEquals(8, Runner.setupParallelism(250));
        assertEquals(10, Runner.setupParallelism(2_500));
        assertEquals(64, Runner.setupParallelism(25_000));
    }
}
