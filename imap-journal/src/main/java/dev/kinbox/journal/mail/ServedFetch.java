package dev.kinbox.journal.mail;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fetch that does not stall on one message a server will not serve. A server may refuse a message
 * for good - a damaged file, or a provider's doing - and then every FETCH whose range holds it is
 * answered NO or BAD (or with something that is not IMAP), so a reader that fetches the range again
 * at each look never gets past it. Here a refused range is split in two and each half fetched again,
 * down to single messages; a message refused alone is left out (logged), as one expunged meanwhile
 * would be, and every other message of the range is returned. A lost connection or a timeout is not
 * a refusal: it fails the call as {@link MailStore#fetch} does, to be tried again from where it was.
 * Before 2026-12-05 one such message failed every read of its range, for good.
 */
public final class ServedFetch {
    private static final Logger LOG = LoggerFactory.getLogger(ServedFetch.class);

    private ServedFetch() {}

    /**
     * The messages of {@code range} in {@code folder} the server serves, as {@link MailStore#fetch}
     * returns them (ascending UIDs); an open range ({@link UidRange#NEWEST}) is split up to the
     * folder's newest UID by its STATUS.
     */
    public static List<StoredMessage> fetch(MailStore store, String folder, UidRange range, Fetch what) {
        return fetch(store, folder, range, what, uid -> { });
    }

    /** As {@link #fetch(MailStore, String, UidRange, Fetch)}, telling {@code refused} each UID left out. */
    public static List<StoredMessage> fetch(MailStore store, String folder, UidRange range, Fetch what, java.util.function.LongConsumer refused) {
        try {
            return store.fetch(folder, range, what);
        } catch (MailStoreException.CommandRefused | MailStoreException.ProtocolViolation e) {
            long last = range.last() != UidRange.NEWEST ? range.last() : store.status(folder).uidNext() - 1;
            if (last < range.first()) return List.of();
            if (last == range.first()) {
                LOG.warn("{}: the server will not serve uid {}: {}", folder, last, e.getMessage());
                refused.accept(last);
                return List.of();
            }
            LOG.info("{}: the server refused a fetch of uids {}:{} ({}); fetching it in halves", folder, range.first(), last, e.getMessage());
            long mid = range.first() + (last - range.first()) / 2;
            List<StoredMessage> out = new ArrayList<>(fetch(store, folder, new UidRange(range.first(), mid), what, refused));
            out.addAll(fetch(store, folder, new UidRange(mid + 1, last), what, refused));
            return out;
        }
    }
}
