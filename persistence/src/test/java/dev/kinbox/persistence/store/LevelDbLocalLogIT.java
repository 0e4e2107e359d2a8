package dev.kinbox.persistence.store;

import static org.junit.jupiter.api.Assertions.assertNull;

import static org.junit.jupiter.api.Assertions.assertFalse;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicReference;

import java.util.concurrent.atomic.AtomicLong;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link LocalLog} contract on disk, with the native library and with the pure-Java port. */
class LevelDbLocalLogIT {
    @TempDir
    static Path root;

    private static int n;

    static Path fresh() throws Exception {
        return Files.createDirectories(root.resolve("db" + (n++)));
    }

    @Nested
    class Native extends LocalLogContract {
        @Override
        protected LocalLog newLog() throws Exception {
            LevelDbLocalLog l = LevelDbLocalLog.open(fresh(), LevelDbLocalLog.Settings.DEFAULT);
            assertTrue(l.isNative(), "leveldbjni should load on linux-x86_64");
            return l;
        }
    }

    @Nested
    class PureJava extends LocalLogContract {
        @Override
        protected LocalLog newLog() throws Exception {
            LevelDbLocalLog l = LevelDbLocalLog.open(fresh(), new LevelDbLocalLog.Settings(true, false));
            assertTrue(!l.isNative());
            return l;
        }
    }

    @Test
    void useAfterClose_failsWithStoreException_insteadOfCrashingTheJvm() throws Exception {
        for (LevelDbLocalLog.Settings settings : List.of(LevelDbLocalLog.Settings.DEFAULT, new LevelDbLocalLog.Settings(true, false))) {
            LevelDbLocalLog log = LevelDbLocalLog.open(fresh(), settings);
            log.append("pid", LocalLogContract.batch(1, 3), Optional.empty());
            log.close();
            log.close(); // idempotent
            assertThrows(StoreException.class, () -> log.append("pid", LocalLogContract.batch(4, 1), Optional.empty()));
            assertThrows(StoreException.class, () -> log.read("pid", 1, 10, 10));
            assertThrows(StoreException.class, () -> log.highestSequenceNr("other"));
            assertThrows(StoreException.class, () -> log.saveCursor(new ReplicationCursor("s", 1, 1, 1)));
            assertThrows(StoreException.class, () -> log.latestSnapshot("pid", 10));
        }
    }

    @Test
    void closeDuringConcurrentWrites_waitsForThemAndLaterWritesFailCleanly() throws Exception {
        Path dir = fresh();
        LevelDbLocalLog log = LevelDbLocalLog.open(dir, new LevelDbLocalLog.Settings(false, true));
        AtomicLong written = new AtomicLong();
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            for (long seq = 1; seq <= 200_000; seq++) {
                try {
                    log.append("pid", LocalLogContract.batch(seq, 1), Optional.empty());
                    written.set(seq);
                } catch (StoreException closed) {
                    return;
                } catch (Throwable t) {
                    unexpected.set(t);
                    return;
                }
            }
        });
        writer.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (written.get() < 100 && System.nanoTime() < deadline) Thread.sleep(1);
        log.close();
        writer.join(10_000);
        assertFalse(writer.isAlive(), "writer did not stop");
        assertNull(unexpected.get(), () -> "unexpected " + unexpected.get());
        try (LevelDbLocalLog again = LevelDbLocalLog.open(dir, LevelDbLocalLog.Settings.DEFAULT)) {
            assertTrue(again.highestSequenceNr("pid") >= written.get(), "acknowledged appends survive the close");
        }
    }

    @Test
    void reopen_keepsEntriesCursorsAndTheHighestNumber_acrossImplementations() throws Exception {
        Path dir = fresh();
        try (LevelDbLocalLog a = LevelDbLocalLog.open(dir, LevelDbLocalLog.Settings.DEFAULT)) {
            a.append("pid", LocalLogContract.batch(1, 50), Optional.of(new ReplicationCursor("s", 1, 2, 50)));
            a.deleteUpTo("pid", 50);
        }
        try (LevelDbLocalLog b = LevelDbLocalLog.open(dir, new LevelDbLocalLog.Settings(false, false))) {
            assertEquals(50, b.highestSequenceNr("pid"));
            assertTrue(b.read("pid", 1, 100, 100).isEmpty());
            assertEquals(50, b.cursor("s").orElseThrow().lastSequenceNr());
            b.append("pid", LocalLogContract.batch(51, 1), Optional.empty());
        }
        try (LevelDbLocalLog c = LevelDbLocalLog.open(dir, LevelDbLocalLog.Settings.DEFAULT)) {
            assertEquals(51, c.highestSequenceNr("pid"));
            assertEquals("event-51", LocalLogContract.text(c.read("pid", 1, 100, 100).get(0)));
        }
    }
}
