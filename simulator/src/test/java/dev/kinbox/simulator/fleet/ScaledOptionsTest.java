package dev.kinbox.simulator.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link HostedFleet.Options#scaledTo}: a fleet's periodic work stays about constant per second as it grows. */
class ScaledOptionsTest {
    private static final HostedFleet.Options BASE = HostedFleet.Options.defaults();

    @Test void smallFleet_keepsTheBaseTimings() {
        HostedFleet.Options o = BASE.scaledTo(20, 3600);
        assertEquals(BASE, o);
    }

    @Test void largerFleets_stretchPollsChecksAndSweeps_inProportion() {
        HostedFleet.Options k1 = BASE.scaledTo(1_000, 3600);
        assertEquals(Duration.ofSeconds(20), k1.dropPoll(), "1,000 devices at 50 polls/s");
        assertEquals(Duration.ofSeconds(20), k1.livenessCheck());
        assertEquals(Duration.ofSeconds(3), k1.sweepInterval(), "3 siblings each at 1,000 sweeps/s");
        HostedFleet.Options k10 = BASE.scaledTo(10_000, 360);
        assertEquals(Duration.ofSeconds(200), k10.dropPoll());
        assertEquals(Duration.ofSeconds(200), k10.livenessCheck());
        assertEquals(Duration.ofSeconds(30), k10.sweepInterval());
        assertEquals(BASE.snapshotEvery(), k10.snapshotEvery());
        assertEquals(BASE.blockingThreads(), k10.blockingThreads());
        assertEquals(BASE.expireAfter(), k10.expireAfter());
    }

    @Test void livenessCheck_staysWithinAnEighthOfTheExpiry_inRealTime() {
        // 30 days at 3600x are 720 real seconds: a check at most every 90 s, though 100,000 devices would ask for 2,000 s
        HostedFleet.Options o = BASE.scaledTo(100_000, 3600);
        assertEquals(Duration.ofSeconds(90), o.livenessCheck());
        assertEquals(Duration.ofSeconds(2_000), o.dropPoll());
        // but never more often than the base options ask
        HostedFleet.Options fast = BASE.withExpireAfter(Duration.ofMinutes(1)).scaledTo(100_000, 3600);
        assertEquals(BASE.livenessCheck(), fast.livenessCheck());
        assertTrue(fast.timing().livenessCheck().compareTo(fast.timing().expireAfter()) < 0);
    }

    @Test void badSizeOrScale_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> BASE.scaledTo(0, 3600));
        assertThrows(IllegalArgumentException.class, () -> BASE.scaledTo(10, 0));
        assertThrows(IllegalArgumentException.class, () -> BASE.scaledTo(10, Double.NaN));
    }
}
