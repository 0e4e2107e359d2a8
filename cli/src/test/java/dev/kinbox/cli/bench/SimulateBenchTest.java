package dev.kinbox.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The simulate benchmark's clock: the same edits per real second at every size. */
class SimulateBenchTest {
    @Test void timeScale_isAnHourPerSecondUpToAThousandDevices_thenProportionallySlower() {
        assertEquals(3600, SimulateBench.timeScale(40));
        assertEquals(3600, SimulateBench.timeScale(1_000));
        assertEquals(360, SimulateBench.timeScale(10_000));
        assertEquals(36, SimulateBench.timeScale(100_000));
    }
}
