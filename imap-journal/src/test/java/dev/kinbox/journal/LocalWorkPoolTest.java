package dev.kinbox.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.Test;

/**
 * Persists run on the local log's own pool (recovery's first read may restore from the server and
 * stays on the network pool): with every network thread busy (slow IMAP round trips,
 * here simulated by parking them), a write is still acknowledged at once - before, it queued behind
 * the network work and, with many hosted devices on a slow server, failed Pekko's circuit breaker.
 */
class LocalWorkPoolTest {
    @Test void writes_areNotHeldUpByBusyNetworkThreads() throws Exception {
        JournalFixture.Device a = JournalFixture.device();
        ActorSystem system = JournalFixture.system(new MemoryMailStore(), JournalFixture.keyring(a), new InMemoryLocalLog());
        CountDownLatch release = new CountDownLatch(1);
        try {
            KinboxJournalRuntime rt = KinboxJournalRuntime.get(system);
            for (int i = 0; i < 64; i++) {
                rt.blocking().execute(() -> {
                    try {
                        release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            String pid = "sma|acct|" + a.id();
            long t0 = System.nanoTime();
            Journals.write(system, pid, 1, 5, 1);
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "acknowledged while the network pool was parked");
            assertEquals(5, rt.hostFor(pid).log.highestSequenceNr(pid));
        } finally {
            release.countDown();
            TestKit.shutdownActorSystem(system);
        }
    }
}
