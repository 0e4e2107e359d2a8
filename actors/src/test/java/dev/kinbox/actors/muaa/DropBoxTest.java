package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.MemoryFaults;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.ForwardingMailStore;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaHeader;
import dev.kinbox.journal.sma.SmaMessage;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/** The pairing drops' store work under a server that drops connections or is rebuilt from a backup. */
class DropBoxTest {
    private static final String ME = "00000000000000a1";
    private static final String OTHER = "00000000000000b2";
    private static final String SESSION = "0123456789abcdef0123456789abcdef";

    private final MemoryMailStore store = new MemoryMailStore();
    private final DropBox box = new DropBox(store, ME, Clock.systemUTC(), new LongAdder());
    private final String otherFolder = folder(OTHER);

    private static String folder(String device) {
        try {
            return SmaFolders.deviceFolder(device);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static PairDrop drop(String step, byte b) {
        return new PairDrop(ME, SESSION, step, new byte[] {b, 2, 3});
    }

    private List<StoredMessage> in(String f) {
        return store.fetch(f, UidRange.all(), Fetch.FULL);
    }

    @Test
    void leave_whenTheConnectionDropsBeforeTheAppend_appendsOnceOnTheNextAttempt() {
        store.createFolder(otherFolder);
        store.faults().dropConnections(1, MemoryFaults.DropPoint.BEFORE_APPLY);
        box.leave(OTHER, drop("n3", (byte) 1));
        assertEquals(1, in(otherFolder).size(), "the drop, once");
    }

    @Test
    void leave_whenTheAnswerToAStoredAppendIsLost_findsItAndDoesNotAppendAgain() throws Exception {
        store.createFolder(otherFolder);
        store.faults().dropConnections(1, MemoryFaults.DropPoint.AFTER_APPLY);
        box.leave(OTHER, drop("n3", (byte) 1));
        List<StoredMessage> there = in(otherFolder);
        assertEquals(1, there.size(), "stored by the first attempt, not again");
        assertArrayEquals(new byte[] {1, 2, 3}, SmaMessage.body(there.get(0), 100));
    }

    @Test
    void leave_aPlantedMessageUnderItsMessageId_isNotTakenForTheDrop() {
        store.createFolder(otherFolder);
        // the provider planted a drop with the same Message-ID and another body; then the answer to our APPEND is lost
        store.faults().inject(otherFolder, drop("n3", (byte) 9).toMessage(Clock.systemUTC()));
        store.faults().dropConnections(1, MemoryFaults.DropPoint.BEFORE_APPLY);
        box.leave(OTHER, drop("n3", (byte) 1));
        assertEquals(2, in(otherFolder).size(), "ours appended beside the planted one");
    }

    @Test
    void keep_whenTheServerRestarts_keepsTheNoteOnceItIsBack() {
        String own = folder(ME);
        store.createFolder(own);
        store.faults().dropConnections(2, MemoryFaults.DropPoint.BEFORE_APPLY);
        box.keep(drop("payload", (byte) 4).toMessage(Clock.systemUTC())); // any message: the note's bytes do not matter here
        assertEquals(1, in(own).size(), "kept once, not 'cannot leave the payload drop: connection lost'");
    }

    @Test
    void take_afterTheFolderWasRebuilt_takesOnlyPairingDrops_andDeletesNothingElse() {
        String own = folder(ME);
        store.createFolder(own);
        // journal-like messages and one drop; the server is then restored from a backup (renumbered in another
        // order) between the search for drops and their fetch: the searched UIDs name other messages now
        for (int i = 0; i < 5; i++) {
            SmaHeader h = SmaHeader.of(SmaHeader.Kind.JOURNAL, OTHER, Map.of("from", Integer.toString(i + 1), "to", Integer.toString(i + 1)));
            store.append(own, SmaMessage.build(h, new byte[] {(byte) i}, Clock.systemUTC()));
        }
        store.append(own, new PairDrop(OTHER, SESSION, "e1", new byte[] {7}).toMessage(Clock.systemUTC()));
        DropBox rebuilding = new DropBox(new RebuildAfterSearch(store, own), ME, Clock.systemUTC(), new LongAdder());
        List<PairDrop> got = rebuilding.take();
        assertTrue(got.size() <= 1, got.toString());
        got.forEach(d -> assertEquals("e1", d.step()));
        long journal = in(own).stream().filter(m -> {
            try {
                return SmaMessage.header(m).kind() == SmaHeader.Kind.JOURNAL;
            } catch (Exception e) {
                return false;
            }
        }).count();
        assertEquals(5, journal, "no journal message deleted");
        assertEquals(got.isEmpty() ? 6 : 5, in(own).size(), "the drop taken or left for the next poll");
        assertTrue(rebuilding.take().size() <= 1, "taken at most once in all");
    }

    @Test
    void take_aDropComingBackBlank_isNeitherRefusedNorDeleted_andIsTakenOnTheNextPoll() {
        String own = folder(ME);
        store.createFolder(own);
        store.append(own, new PairDrop(OTHER, SESSION, "e1", new byte[] {7}).toMessage(Clock.systemUTC()));
        LongAdder malformed = new LongAdder();
        BlankOnce blanking = new BlankOnce(store, own);
        DropBox box = new DropBox(blanking, ME, Clock.systemUTC(), malformed);
        assertTrue(box.take().isEmpty(), "nothing to take from a blank answer");
        assertTrue(blanking.blanked());
        assertEquals(0, malformed.sum(), "a message expunged during the fetch is no malformed drop");
        assertEquals(1, in(own).size(), "and is not deleted");
        List<PairDrop> next = box.take();
        assertEquals(1, next.size());
        assertEquals("e1", next.get(0).step());
    }

    /** {@code store}, rebuilt ({@code MemoryFaults.rebuild}) right after the first search in {@code folder}. */
    private static final class RebuildAfterSearch extends ForwardingMailStore {
        private final MemoryMailStore memory;
        private final String folder;
        private boolean done;

        RebuildAfterSearch(MemoryMailStore memory, String folder) {
            super(memory);
            this.memory = memory;
            this.folder = folder;
        }

        @Override public List<Long> search(String f, String header, String value) {
            List<Long> found = super.search(f, header, value);
            if (f.equals(folder) && !done) {
                done = true;
                memory.faults().rebuild(folder);
            }
            return found;
        }
    }
}
