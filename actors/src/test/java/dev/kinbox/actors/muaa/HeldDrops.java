package dev.kinbox.actors.muaa;

import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.ForwardingMailStore;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One device's view of a shared mail store in which the pairing drops of one step are held back:
 * its searches do not list them, so the device never takes them, while they stay in the store for
 * the test to look at, delete or copy. A folder can also be frozen: the view shows none of its
 * messages newer than when it was frozen (a server slow to show them to this device only), or
 * slowed: the view answers nothing of it until a moment has passed (a server slow to answer).
 * Everything else passes through.
 */
final class HeldDrops extends ForwardingMailStore {
    private final MailStore store;
    private final Map<String, Long> frozenAt = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Long> slowUntil = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile String heldStep;

    HeldDrops(MailStore store) {
        super(store);
        this.store = store;
    }

    /** Holds back drops of {@code step} (null: none) from now on. */
    void hold(String step) {
        heldStep = step;
    }

    /** From now on this view shows no message of {@code folder} newer than the ones it holds now. */
    void freeze(String folder) {
        frozenAt.put(folder, store.status(folder).uidNext() - 1);
    }

    /** From now on, for {@code d}, every look at {@code folder} (status, search, fetch) waits until {@code d} has passed. */
    void slow(String folder, java.time.Duration d) {
        slowUntil.put(folder, System.nanoTime() + d.toNanos());
    }

    private void waitIfSlow(String folder) {
        Long until = slowUntil.get(folder);
        if (until == null) return;
        long left = until - System.nanoTime();
        if (left <= 0) return;
        try {
            java.util.concurrent.TimeUnit.NANOSECONDS.sleep(left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override public dev.kinbox.journal.mail.FolderStatus status(String folder) {
        waitIfSlow(folder);
        return super.status(folder);
    }

    /** The pairing drops of {@code step} now in {@code deviceId}'s folder, as stored. */
    static List<StoredMessage> drops(MailStore store, String deviceId, String step) {
        String folder = folder(deviceId);
        List<StoredMessage> out = new ArrayList<>();
        List<Long> uids = store.search(folder, "Autocrypt-SMA", "type=pair");
        if (uids.isEmpty()) return out;
        for (StoredMessage m : store.fetch(folder, new UidRange(uids.get(0), uids.get(uids.size() - 1)), Fetch.FULL)) {
            if (uids.contains(m.uid()) && step(m).filter(step::equals).isPresent()) out.add(m);
        }
        return out;
    }

    /** How many pairing notes ({@code type=pending}) {@code deviceId} keeps in its folder. */
    static int notes(MailStore store, String deviceId) {
        return store.search(folder(deviceId), "Autocrypt-SMA", "type=pending").size();
    }

    static String folder(String deviceId) {
        try {
            return SmaFolders.deviceFolder(deviceId);
        } catch (SmaFormatException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Optional<String> step(StoredMessage m) {
        try {
            return Optional.of(PairDrop.parse(m).step());
        } catch (SmaFormatException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override public List<Long> search(String folder, String header, String value) {
        waitIfSlow(folder);
        Long frozen = frozenAt.get(folder);
        List<Long> uids = frozen == null ? store.search(folder, header, value)
                : store.search(folder, header, value).stream().filter(u -> u <= frozen).toList();
        String step = heldStep;
        if (step == null || uids.isEmpty() || !value.contains("type=pair")) return uids;
        List<Long> shown = new ArrayList<>(uids);
        for (StoredMessage m : store.fetch(folder, new UidRange(uids.get(0), uids.get(uids.size() - 1)), Fetch.FULL)) {
            if (step(m).filter(step::equals).isPresent()) shown.remove(m.uid());
        }
        return shown;
    }

    @Override public List<StoredMessage> fetch(String folder, UidRange range, Fetch what) {
        waitIfSlow(folder);
        Long frozen = frozenAt.get(folder);
        List<StoredMessage> all = store.fetch(folder, range, what);
        return frozen == null ? all : all.stream().filter(m -> m.uid() <= frozen).toList();
    }
    @Override public void close() { } // the shared store stays open
}
