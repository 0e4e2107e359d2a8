package dev.kinbox.simulator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.persistence.SettingsEvent;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.simulator.trace.JournalEntry;
import dev.kinbox.simulator.trace.Journals;
import dev.kinbox.simulator.trace.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** A node hands a device's journal to the driver in pages of about a mebibyte, each after the last one's end. */
class JournalPageTest {
    private static final String DEVICE = "0123456789abcdef";

    @Test
    void aJournalLargerThanOnePage_comesInPagesThatTogetherHoldEveryEntryOnce() {
        List<JournalEntry> journal = new ArrayList<>();
        for (long seq = 1; seq <= 600; seq++) journal.add(entry(seq, "s0", "x".repeat(4_000))); // about 4 KB each: 2.4 MB in all
        List<Long> seen = new ArrayList<>();
        long after = 0;
        int pages = 0;
        while (true) {
            Protocol.JournalPage p = AccountEntity.journalPage(journal, after);
            pages++;
            long bytes = p.entries().stream().mapToLong(e -> e.bytes().length).sum();
            assertTrue(bytes < Protocol.JournalPage.MAX_BYTES + 5_000, "a page of " + bytes + " bytes");
            for (Trace.Entry e : p.entries()) seen.add(e.seq());
            if (!p.more()) break;
            after = p.entries().get(p.entries().size() - 1).seq();
            assertTrue(pages < 10, "pages never end");
        }
        assertEquals(LongStream.rangeClosed(1, 600).boxed().toList(), seen);
        assertEquals(3, pages);
    }

    @Test
    void aPageAfterTheEnd_isEmptyAndLast() {
        Protocol.JournalPage p = AccountEntity.journalPage(List.of(entry(1, "s0", "a"), entry(2, "s0", "b")), 2);
        assertTrue(p.entries().isEmpty());
        assertFalse(p.more());
    }

    @Test
    void oneEntryLargerThanAPage_stillComesAlone() {
        List<JournalEntry> settings = new ArrayList<>();
        for (long seq = 1; seq <= 300; seq++) settings.add(entry(seq, "s" + seq, "y".repeat(4_000)));
        JournalEntry merged = new JournalEntry.Merged(1, Journals.fold(settings, Long.MAX_VALUE)); // a snapshot of about 1.2 MB
        Protocol.JournalPage p = AccountEntity.journalPage(List.of(merged, entry(2, "s0", "b")), 0);
        assertEquals(1, p.entries().size());
        assertTrue(p.entries().get(0).bytes().length > Protocol.JournalPage.MAX_BYTES, "the snapshot is " + p.entries().get(0).bytes().length + " bytes");
        assertTrue(p.more());
    }

    private static JournalEntry entry(long seq, String key, String value) {
        return new JournalEntry.Applied(seq, new SettingsEvent.SettingChanged(new Dot(DEVICE, seq), new Hlc(1_000 + seq, 0, DEVICE), key, value));
    }
}
