package dev.kinbox.persistence.store;

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
