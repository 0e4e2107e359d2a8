package dev.kinbox.simulator.fleet;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.simulator.workload.DeviceRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The entries restores from an older backup ({@code --rebuild-loses}) took from the folders of devices
 * that were not running then, which only their authors can upload again ({@link Fleet#restoredAway}).
 * The simulator, which knows every key, opens them before the rebuild to learn their events.
 * Thread-safe (synchronized).
 */
final class RestoreLosses {
    private record Lost(DeviceRef author, HostileProvider.Withheld entry) {}

    private final Roster roster;
    private final AccountStores stores;
    private final Crypto crypto = Crypto.standard();
    private final List<Lost> lost = new ArrayList<>();

    RestoreLosses(Roster roster, AccountStores stores) {
        this.roster = roster;
        this.stores = stores;
    }

    /**
     * {@code author}'s folder is about to be restored without its {@code newestLost} newest messages
     * (by UID) while {@code author} is not running: remembers the events of those that are its genuine
     * entries. A listing that fails remembers nothing (their events then count as lost if missing).
     */
    synchronized void beforeRestore(DeviceRef author, int newestLost) {
        try {
            String id = roster.device(author).deviceId();
            MailStore store = stores.provider(author.account()).mailbox();
            String folder = SmaFolders.deviceFolder(id);
            if (newestLost <= 0 || !store.listFolders().contains(folder)) return;
            List<StoredMessage> listing = new ArrayList<>(store.fetch(folder, UidRange.all(), Fetch.FULL));
            listing.sort(Comparator.comparingLong(StoredMessage::uid));
            for (StoredMessage m : listing.subList(Math.max(0, listing.size() - newestLost), listing.size())) {
                HostileProvider.open(crypto, m, id, roster.device(author).key()).ifPresent(w -> lost.add(new Lost(author, w)));
            }
        } catch (Exception unreadable) {
            // the server did not answer (it may be restarting): nothing is excused
        }
    }

    /** {@code author} runs again: it repairs its folder itself, so what a restore took from it is no longer excused. */
    synchronized void authorStarted(DeviceRef author) {
        lost.removeIf(l -> l.author().equals(author));
    }

    /**
     * The dots of entries a restore took while their author was not running, whose author has not run
     * since, and that its folder does not hold again (a snapshot or entries covering them).
     */
    synchronized Set<Dot> unhealed() {
        Set<Dot> out = new HashSet<>();
        for (Lost l : lost) {
            boolean held;
            try {
                held = HostileProvider.covers(stores.provider(l.author().account()).mailbox(), l.entry().victimId(), l.entry().from(), l.entry().to());
            } catch (Exception unreadable) {
                held = false; // the server did not answer: as if not
            }
            if (!held) out.addAll(l.entry().dots());
        }
        return out;
    }
}
