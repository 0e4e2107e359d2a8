package dev.kinbox.simulator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {
    @Test
    void parseSeeds_ofHostPortPairs_keepsThemInOrder() {
        assertEquals(List.of(new ClusterSettings.Seed("10.1.2.3", 2552), new ClusterSettings.Seed("node-b.example", 2600)),
                ClusterSettings.parseSeeds("10.1.2.3:2552, node-b.example:2600"));
        assertEquals(List.of(), ClusterSettings.parseSeeds(""));
    }

    @Test
    void parseSeeds_ofMalformedEntries_isRefusedWithTheEntry() {
        for (String bad : List.of("host", "host:", ":2552", "host:port", "host:0", "host:70000", "ho\"st:2552")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClusterSettings.parseSeeds(bad), bad);
            assertTrue(e.getMessage().contains("seed") || e.getMessage().contains("host"), e.getMessage());
        }
    }

    @Test
    void settings_ofAJoiningNodeWithoutSeedsOrWithABadHost_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ClusterSettings("127.0.0.1", 2552, List.of(), false, Duration.ofSeconds(5)));
        assertThrows(IllegalArgumentException.class, () -> new ClusterSettings("a b", 2552, List.of(), true, Duration.ofSeconds(5)));
        assertThrows(IllegalArgumentException.class, () -> new ClusterSettings("127.0.0.1", -1, List.of(), true, Duration.ofSeconds(5)));
        assertThrows(IllegalArgumentException.class, () -> new ClusterSettings("127.0.0.1", 2552, List.of(), true, Duration.ZERO));
    }
}
