package dev.kinbox.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.io.OutputStream;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The simulate benchmark's clock (the same edits per real second at every size), its settle, and its sizes per store. */
class SimulateBenchTest {
    private static BenchContext ctx(String store, List<Integer> sizes, boolean quick) {
        return new BenchContext(store, OptionalInt.empty(), 1, quick, new PrintStream(OutputStream.nullOutputStream()), sizes, BenchContext.TIME_LIMIT);
    }

    @Test void timeScale_isAnHourPerSecondUpToAThousandDevices_thenProportionallySlower() {
        assertEquals(3600, SimulateBench.timeScale(40));
        assertEquals(3600, SimulateBench.timeScale(1_000));
        assertEquals(360, SimulateBench.timeScale(10_000));
        assertEquals(36, SimulateBench.timeScale(100_000));
    }

    @Test void settle_letsOneSweepPass_whenSweepsAreFurtherApartThanTwoMinutes() {
        dev.kinbox.simulator.fleet.HostedFleet.Options base = dev.kinbox.simulator.fleet.HostedFleet.Options.defaults();
        assertEquals(java.time.Duration.ofSeconds(120), SimulateBench.settle(base.scaledTo(1_000, SimulateBench.timeScale(1_000))));
        assertEquals(java.time.Duration.ofMinutes(6), SimulateBench.settle(base.scaledTo(100_000, SimulateBench.timeScale(100_000))),
                "100,000 devices sweep every 5 minutes");
    }

    @Test void defaultSizes_areTheIssuesPerStore_andGivenSizesWin() {
        assertEquals(List.of(1_000, 10_000), SimulateBench.sizes(ctx("memory", List.of(), false), "memory"));
        assertEquals(List.of(500, 2_000), SimulateBench.sizes(ctx("greenmail", List.of(), false), "greenmail"));
        assertEquals(List.of(500), SimulateBench.sizes(ctx("dovecot", List.of(), false), "dovecot"));
        assertEquals(List.of(40, 200), SimulateBench.sizes(ctx("greenmail", List.of(), true), "greenmail"));
        assertEquals(List.of(8, 16), SimulateBench.sizes(ctx("dovecot", List.of(8, 16), false), "dovecot"));
    }

    @Test void aSizeBelowOneAccount_andAStoreItCannotStart_areRefusedBeforeAnythingRuns() {
        assertThrows(IllegalArgumentException.class, () -> SimulateBench.sizes(ctx("memory", List.of(3), false), "memory"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SimulateBench().run(ctx("imap://u@127.0.0.1:1", List.of(8), false)));
        assertTrue(e.getMessage().contains("memory, greenmail or dovecot"), e.getMessage());
    }
}
