package dev.kinbox.journal.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A memory store delivers watch events on one thread of its own, which ends when the store is idle: a big fleet of idle mailboxes holds no threads. */
class MemoryEventThreadTest {
    private static boolean alive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    @Test void theEventThreadEndsWhenIdle_andALaterEventStillArrives() throws Exception {
        try (MemoryMailStore store = new MemoryMailStore()) {
            BlockingQueue<FolderEvent> seen = new LinkedBlockingQueue<>();
            List<Thread> delivering = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (Watch w = store.watch("INBOX", e -> {
                delivering.add(Thread.currentThread());
                seen.add(e);
            })) {
                store.append("INBOX", List.of(Msgs.of("one")));
                assertNotNull(seen.poll(5, TimeUnit.SECONDS), "the first event");
                assertEquals(store.eventThreadName(), delivering.get(0).getName());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10) + MemoryMailStore.EVENT_THREAD_IDLE.toNanos();
                while (alive(store.eventThreadName()) && System.nanoTime() < deadline) Thread.sleep(100);
                assertFalse(alive(store.eventThreadName()), "the event thread ended after " + MemoryMailStore.EVENT_THREAD_IDLE + " idle");
                seen.clear();
                store.append("INBOX", List.of(Msgs.of("two")));
                assertNotNull(seen.poll(5, TimeUnit.SECONDS), "an event after the thread ended");
                assertTrue(delivering.stream().allMatch(t -> t.getName().equals(store.eventThreadName())), delivering.toString());
            }
        }
    }
}
