package dev.kinbox.actors.muaa;

import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.mail.Retries;
import dev.kinbox.journal.mail.ServedFetch;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaFormatException;
import dev.kinbox.journal.sma.SmaHeader;
import dev.kinbox.journal.sma.SmaMessage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blocking I/O of pairing drops: take (read and delete) the pairing drops in this device's folder,
 * leave one in another device's folder, and keep, list and forget this device's own
 * {@link PairingNote}s in its folder. Malformed drops are deleted and counted.
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
        // the UIDVALIDITY the fetch and the deletion must share: a folder rebuilt from a backup after the search
        // gives its UIDs to other messages, so only what the fetch shows to be a pairing drop is taken
        long uidValidity = store.status(ownFolder).uidValidity();
        List<PairDrop> out = new ArrayList<>();
        List<Long> taken = new ArrayList<>();
        for (StoredMessage m : ServedFetch.fetch(store, ownFolder, new UidRange(uids.get(0), uids.get(uids.size() - 1)), Fetch.FULL)) {
            if (!uids.contains(m.uid()) || m.vanished() || !isPairingDrop(m)) continue;
            taken.add(m.uid());
            try {
                out.add(PairDrop.parse(m));
            } catch (SmaFormatException | IllegalArgumentException e) {
                malformed.increment();
                LOG.warn("refusing pairing drop uid {} in {}: {}", m.uid(), ownFolder, e.getMessage());
            }
        }
        if (taken.isEmpty()) return out;
        try {
            store.delete(ownFolder, taken, uidValidity);
        } catch (MailStoreException.UidValidityChanged rebuilt) {
            return List.of(); // rebuilt meanwhile: the next poll takes them in the new numbering
        }
        return out;
    }

    /** Whether {@code m}'s header names a pairing drop (its body may still be malformed). */
    private static boolean isPairingDrop(StoredMessage m) {
        try {
            SmaHeader h = SmaMessage.header(m);
            return h.kind() == SmaHeader.Kind.DROP && "pair".equals(h.attributes().get("type"));
        } catch (SmaFormatException e) {
            return true; // searched as a pairing drop: a malformed one, refused and deleted below
        }
    }

    /**
     * Keeps a pairing note in our folder, through a server restart ({@link Retries#afterLostConnections});
     * appended, so a retry after an uncertain append may leave two equal ones.
     */
    void keep(NewMessage note) {
        Retries.afterLostConnections(attempt -> store.append(ownFolder, note));
    }

    /** The pairing notes in our folder (unopened), at most {@value #MAX_PER_POLL}. */
    List<StoredMessage> notes() {
        List<Long> uids;
        try {
            uids = store.search(ownFolder, SmaHeader.NAME, "type=" + PairingNote.TYPE);
        } catch (MailStoreException.FolderMissing e) {
            return List.of();
        }
        if (uids.isEmpty()) return List.of();
        uids = uids.subList(0, Math.min(uids.size(), MAX_PER_POLL));
        List<StoredMessage> out = new ArrayList<>();
        for (StoredMessage m : ServedFetch.fetch(store, ownFolder, new UidRange(uids.get(0), uids.get(uids.size() - 1)), Fetch.FULL)) {
            if (uids.contains(m.uid()) && !m.vanished()) out.add(m);
        }
        return out;
    }

    /** Deletes our pairing notes of {@code session} (and any note whose header does not parse). */
    void forget(String session) {
        List<Long> gone = new ArrayList<>();
        for (StoredMessage m : notes()) {
            try {
                if (session.equals(SmaMessage.header(m).attributes().get("session"))) gone.add(m.uid());
            } catch (SmaFormatException e) {
                gone.add(m.uid());
            }
        }
        if (!gone.isEmpty()) store.delete(ownFolder, gone);
    }

    /** Deletes one message of our folder (a note that does not open). */
    void discard(long uid) {
        store.delete(ownFolder, List.of(uid));
    }

    /**
     * Leaves {@code drop} in {@code deviceId}'s folder, once: after a lost connection or a timeout (a
     * server restarting) it looks for the drop - its Message-ID with our body - and only then appends
     * again ({@link Retries#afterLostConnections}: about 8 s in all). A pairing outlives a short server
     * restart this way, as the journal's uploads do.
     */
    void leave(String deviceId, PairDrop drop) {
        String folder = folder(deviceId);
        NewMessage message = drop.toMessage(clock);
        Retries.afterLostConnections(attempt -> {
            if (attempt == 0 || !alreadyLeft(folder, drop)) store.append(folder, message);
            return null;
        });
    }

    /** Whether our {@code drop} is in {@code folder} already (an APPEND whose answer was lost): its Message-ID and our very body. */
    private boolean alreadyLeft(String folder, PairDrop drop) {
        byte[] body = drop.body();
        for (long uid : store.search(folder, "Message-ID", drop.header().messageId())) {
            for (StoredMessage m : store.fetch(folder, UidRange.of(uid), Fetch.FULL)) {
                try {
                    if (m.uid() == uid && java.util.Arrays.equals(SmaMessage.body(m, body.length + 1), body)) return true;
                } catch (SmaFormatException notOurs) {
                    // planted under our Message-ID, or cut: not ours
                }
            }
        }
        return false;
    }

    private static String folder(String deviceId) {
        try {
            return SmaFolders.deviceFolder(deviceId);
        } catch (SmaFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
