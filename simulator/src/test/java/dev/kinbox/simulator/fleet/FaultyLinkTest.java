package dev.kinbox.simulator.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.mail.MemoryMailStore;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FaultyLinkTest {
    @Test
    void drop_failsTheNextOperationOnlyAndItDoesNotReachTheServer() {
        try (MemoryMailStore server = new MemoryMailStore()) {
            FaultyLink link = new FaultyLink(server, 0, new SplittableRandom(1));
            link.drop();
            assertThrows(MailStoreException.ConnectionLost.class, () -> link.createFolder("A"));
            assertTrue(server.listFolders().stream().noneMatch(f -> f.equals("A")), server.listFolders().toString());
            link.createFolder("A");
            assertTrue(server.listFolders().contains("A"), server.listFolders().toString());
        }
    }

    @Test
    void drop_twice_failsTwoOperations() {
        try (MemoryMailStore server = new MemoryMailStore()) {
            FaultyLink link = new FaultyLink(server, 0, new SplittableRandom(1));
            link.drop();
            link.drop();
            assertThrows(MailStoreException.ConnectionLost.class, link::listFolders);
            assertThrows(MailStoreException.ConnectionLost.class, link::listFolders);
            assertEquals(server.listFolders(), link.listFolders());
        }
    }

    @Test
    void latency_delaysEveryOperationAtLeastByItsDrawnDelay() {
        // the delays are drawn from the seeded stream: the same stream gives their sum, a lower bound of the elapsed time
        long mean = 20;
        SplittableRandom replay = new SplittableRandom(5);
        long expected = 0;
        for (int i = 0; i < 10; i++) expected += Math.min(10 * mean, (long) (-Math.log(1 - replay.nextDouble()) * mean));
        try (MemoryMailStore server = new MemoryMailStore()) {
            FaultyLink link = new FaultyLink(server, mean, new SplittableRandom(5));
            long t0 = System.nanoTime();
            for (int i = 0; i < 10; i++) link.listFolders();
            long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(expected > 0 && elapsedMs >= expected, "elapsed " + elapsedMs + " ms, drawn " + expected + " ms");
        }
    }

    @Test
    void create_withNegativeLatency_isRefused() {
        try (MemoryMailStore server = new MemoryMailStore()) {
            assertThrows(IllegalArgumentException.class, () -> new FaultyLink(server, -1, new SplittableRandom(1)));
        }
    }
}
