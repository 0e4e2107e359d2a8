package dev.kinbox.actors.muaa;

import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaFormatException;
import dev.kinbox.journal.sma.SmaHeader;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blocking I/O of pairing drops: take (read and delete) the pairing drops in this device's folder,
 * leave one in another device's folder. Malformed drops are deleted and counted.
 */
final class DropBox {
    private static final Logger LOG = LoggerFactory.getLogger(DropBox.class);
    private static final int MAX_PER_POLL = 100;
    private final MailStore store;
    private final String ownFolder;
    private final Clock clock;
    private final LongAdder malformed;

    DropBox(MailStore store, String deviceId, Clock clock, LongAdder malformed) {
        this.store = store;
        this.ownFolder = folder(deviceId);
        this.clock = clock;
        this.malformed = malformed;
    }

    /** The pairing drops waiting in our folder, removed from it. */
    List<PairDrop> take() {
        List<Long> uids;
        try {
            uids = store.search(ownFolder, SmaHeader.NAME, "type=pair");
        } catch (MailStoreException.FolderMissing e) {
            return List.of();
        }
        if (uids.isEmpty()) return List.of();
        uids = uids.subList(0, Math.min(uids.size(), MAX_PER_POLL));
        List<PairDrop> out = new ArrayList<>();
        List<Long> taken = new ArrayList<>();
        for (StoredMessage m : store.fetch(ownFolder, new UidRange(uids.get(0), uids.get(uids.size() - 1)), Fetch.FULL)) {
            if (!uids.contains(m.uid())) continue;
            taken.add(m.uid());
            try {
                out.add(PairDrop.parse(m));
            } catch (SmaFormatException | IllegalArgumentException e) {
                malformed.increment();
                LOG.warn("refusing pairing drop uid {} in {}: {}", m.uid(), ownFolder, e.getMessage());
            }
        }
        if (!taken.isEmpty()) store.delete(ownFolder, taken);
        return out;
    }

    /** Leaves {@code drop} in {@code deviceId}'s folder. */
    void leave(String deviceId, PairDrop drop) {
        store.append(folder(deviceId), drop.toMessage(clock));
    }

    private static String folder(String deviceId) {
        try {
            return SmaFolders.deviceFolder(deviceId);
        } catch (SmaFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
