package dev.kinbox.persistence.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link LocalLog} shares; subclasses say how to make one. */
abstract class LocalLogContract {
    protected LocalLog log;

    protected abstract LocalLog newLog() throws Exception;

    @BeforeEach
    void open() throws Exception {
        log = newLog();
    }

    @AfterEach
    void close() {
        log.close();
    }

    static List<LogEntry> batch(long from, int n) {
        List<LogEntry> out = new ArrayList<>();
        for (long s = from; s < from + n; s++) out.add(new LogEntry(s, ("event-" + s).getBytes(StandardCharsets.UTF_8)));
        return out;
    }

    static String text(LogEntry e) {
        return new String(e.payload(), StandardCharsets.UTF_8);
    }

    @Test
    void append_thenRead_returnsTheEntriesInOrder() {
        log.append("pid", batch(1, 5), Optional.empty());
        log.append("pid", batch(6, 3), Optional.empty());
        List<LogEntry> all = log.read("pid", 1, Long.MAX_VALUE, 100);
        assertEquals(8, all.size());
        for (int i = 0; i < 8; i++) assertEquals("event-" + (i + 1), text(all.get(i)));
        assertEquals(8, log.highestSequenceNr("pid"));
    }

    @Test
    void read_respectsTheRangeAndTheMaximum() {
        log.append("pid", batch(1, 20), Optional.empty());
        List<LogEntry> some = log.read("pid", 5, 15, 4);
        assertEquals(List.of(5L, 6L, 7L, 8L), some.stream().map(LogEntry::sequenceNr).toList());
        assertEquals(11, log.read("pid", 5, 15, 100).size());
        assertTrue(log.read("pid", 15, 5, 100).isEmpty());
        assertTrue(log.read("other", 1, 100, 100).isEmpty());
    }

    @Test
    void persistenceIdsThatArePrefixesOfEachOther_doNotMix() {
        log.append("a", batch(1, 2), Optional.empty());
        log.append("ab", batch(1, 3), Optional.empty());
        assertEquals(2, log.read("a", 1, 100, 100).size());
        assertEquals(3, log.read("ab", 1, 100, 100).size());
        assertEquals(2, log.highestSequenceNr("a"));
    }

    @Test
    void append_notAboveTheHighest_isRejected_andChangesNothing() {
        log.append("pid", batch(1, 3), Optional.empty());
        Optional<ReplicationCursor> c = Optional.of(new ReplicationCursor("src", 1, 9, 3));
        assertThrows(StoreException.class, () -> log.append("pid", batch(3, 2), c));
        assertThrows(StoreException.class, () -> log.append("pid", List.of(new LogEntry(4, new byte[1]), new LogEntry(6, new byte[1])), c));
        assertEquals(3, log.highestSequenceNr("pid"));
        assertEquals(3, log.read("pid", 1, 100, 100).size());
        assertEquals(Optional.empty(), log.cursor("src"));
    }

    @Test
    void highestSequenceNr_neverGoesBackwards_afterDeleteUpTo() {
        log.append("pid", batch(1, 10), Optional.empty());
        log.deleteUpTo("pid", 7);
        assertEquals(List.of(8L, 9L, 10L), log.read("pid", 1, 100, 100).stream().map(LogEntry::sequenceNr).toList());
        log.deleteUpTo("pid", 100);
        assertTrue(log.read("pid", 1, 100, 100).isEmpty());
        assertEquals(10, log.highestSequenceNr("pid"));
        assertThrows(StoreException.class, () -> log.append("pid", batch(5, 1), Optional.empty()));
        log.append("pid", batch(11, 1), Optional.empty());
        assertEquals(11, log.highestSequenceNr("pid"));
    }

    @Test
    void cursor_isSavedWithTheBatch_andAlone() {
        ReplicationCursor c = new ReplicationCursor("_Autocrypt_SMA_00000000000000b2", 77, 12, 5);
        log.append("00000000000000b2", batch(1, 5), Optional.of(c));
        assertEquals(Optional.of(c), log.cursor(c.source()));
        ReplicationCursor moved = new ReplicationCursor(c.source(), 78, 1, 5);
        log.saveCursor(moved);
        assertEquals(Optional.of(moved), log.cursor(c.source()));
    }

    @Test
    void snapshots_latestAtOrBelowTheBound_andDeletion() {
        log.saveSnapshot("pid", new StoredSnapshot(10, 1000, new byte[] {1}));
        log.saveSnapshot("pid", new StoredSnapshot(20, 2000, new byte[] {2}));
        assertArrayEquals(new byte[] {2}, log.latestSnapshot("pid", Long.MAX_VALUE).orElseThrow().payload());
        StoredSnapshot s = log.latestSnapshot("pid", 15).orElseThrow();
        assertEquals(10, s.sequenceNr());
        assertEquals(1000, s.timestampMillis());
        assertTrue(log.latestSnapshot("pid", 9).isEmpty());
        log.deleteSnapshotsUpTo("pid", 10);
        assertTrue(log.latestSnapshot("pid", 15).isEmpty());
        assertEquals(20, log.latestSnapshot("pid", 100).orElseThrow().sequenceNr());
    }

    @Test
    void deleteSnapshot_removesExactlyThatOne() {
        for (long seq : new long[] {5, 10, 20}) log.saveSnapshot("pid", new StoredSnapshot(seq, seq, new byte[] {(byte) seq}));
        log.deleteSnapshot("pid", 10);
        log.deleteSnapshot("pid", 11); // none there: nothing happens
        assertEquals(5, log.latestSnapshot("pid", 19).orElseThrow().sequenceNr());
        assertEquals(20, log.latestSnapshot("pid", 100).orElseThrow().sequenceNr());
    }

    @Test
    void badNames_areTypedErrors() {
        assertThrows(StoreException.class, () -> log.append("", batch(1, 1), Optional.empty()));
        assertThrows(StoreException.class, () -> log.read("a\0b", 1, 2, 3));
        assertThrows(StoreException.class, () -> log.cursor(null));
        assertThrows(StoreException.class, () -> new LogEntry(0, new byte[0]));
    }
}
