package dev.kinbox.journal.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** A fetch whose range holds messages the server refuses to serve returns every other message of it. */
class ServedFetchTest {
    private static final String FOLDER = "_Autocrypt_SMA_0123456789abcdef";

    /** A server that answers every FETCH whose range holds one of {@code refused} with {@code failure}. */
    private static final class Refusing extends ForwardingMailStore {
        final AtomicInteger fetches = new AtomicInteger();
        private final Set<Long> refused;
        private final Supplier<MailStoreException> failure;

        Refusing(MailStore store, Set<Long> refused, Supplier<MailStoreException> failure) {
            super(store);
            this.refused = refused;
            this.failure = failure;
        }

        @Override public List<StoredMessage> fetch(String folder, UidRange range, Fetch what) {
            fetches.incrementAndGet();
            if (refused.stream().anyMatch(range::contains)) throw failure.get();
            return super.fetch(folder, range, what);
        }
    }

    private static MemoryMailStore folderOf(int messages) {
        MemoryMailStore store = new MemoryMailStore();
        store.createFolder(FOLDER);
        List<NewMessage> all = new ArrayList<>();
        for (int i = 0; i < messages; i++) all.add(Msgs.of("m" + i));
        store.append(FOLDER, all);
        return store;
    }

    private static List<Long> uids(List<StoredMessage> ms) {
        return ms.stream().map(StoredMessage::uid).toList();
    }

    @Test void aRangeHoldingRefusedMessages_returnsEveryOtherMessage_inFewFetches() {
        Refusing store = new Refusing(folderOf(100), Set.of(17L, 64L), () -> new MailStoreException.CommandRefused(
                "UID FETCH: server said NO [SERVERBUG] Internal error occurred", null));
        List<StoredMessage> got = ServedFetch.fetch(store, FOLDER, UidRange.all(), Fetch.FULL);
        List<Long> want = new ArrayList<>();
        for (long u = 1; u <= 100; u++) if (u != 17 && u != 64) want.add(u);
        assertEquals(want, uids(got));
        assertTrue(store.fetches.get() <= 30, () -> "split in halves, not one fetch per message: " + store.fetches.get());
    }

    @Test void aRefusedHeaderFetch_ofAClosedRange_isSplitToo() {
        Refusing store = new Refusing(folderOf(10), Set.of(5L), () -> new MailStoreException.ProtocolViolation("UID FETCH: unparsable response", null));
        assertEquals(List.of(3L, 4L, 6L, 7L), uids(ServedFetch.fetch(store, FOLDER, new UidRange(3, 7), Fetch.HEADERS)));
        assertEquals(List.of(), uids(ServedFetch.fetch(store, FOLDER, UidRange.of(5), Fetch.HEADERS)), "a message refused alone is left out");
    }

    @Test void aLostConnection_isNoRefusal_andFailsTheFetch() {
        Refusing store = new Refusing(folderOf(10), Set.of(5L), () -> new MailStoreException.ConnectionLost("UID FETCH: connection closed", null));
        assertThrows(MailStoreException.ConnectionLost.class, () -> ServedFetch.fetch(store, FOLDER, UidRange.all(), Fetch.FULL));
        assertEquals(1, store.fetches.get(), "nothing tried again here: the caller retries from where it was");
    }

    @Test void aServerThatServesEverything_isAskedOnce() {
        Refusing store = new Refusing(folderOf(10), Set.of(), () -> new MailStoreException.CommandRefused("never", null));
        assertEquals(10, ServedFetch.fetch(store, FOLDER, UidRange.all(), Fetch.FULL).size());
        assertEquals(1, store.fetches.get());
    }
}
