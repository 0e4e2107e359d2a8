package dev.kinbox.simulator.fleet;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.store.LocalLog;
import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.workload.HostileAct;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The hostile provider of one fleet and what the simulator (which knows every key) learned from its
 * acts: the entries it withheld and the sequence numbers whose Message-ID a forgery planted, so the
 * invariants can tell an edit the protocol has not healed yet from a lost one; and the entries a
 * restore from an older backup lost while their author was not running, which only their author can
 * upload again. Thread-safe (synchronized).
 */
final class HostileLedger {
    /** A forged entry for {@code seq} of {@code victim}: the victim's own entry for {@code seq} may be skipped (same Message-ID). */
    private record Planted(DeviceRef victim, long seq) {}

    private record Withheld(DeviceRef victim, HostileProvider.Withheld entry) {}

    private final Roster roster;
    private final AccountStores stores;
    private final Clock clock;
    private final List<Withheld> withheld = new ArrayList<>();
    private final List<Planted> planted = new ArrayList<>();
    private final List<Withheld> restoredAway = new ArrayList<>();
    private HostileProvider provider; // made at the first act (it generates a key)

    HostileLedger(Roster roster, AccountStores stores, Clock clock) {
        this.roster = roster;
        this.stores = stores;
        this.clock = clock;
    }

    /** See {@link Fleet#hostile}. */
    synchronized boolean act(DeviceRef victim, HostileAct act) throws Fleet.FleetException {
        try {
            ProviderAccess access = stores.provider(victim.account());
            if (provider == null) provider = new HostileProvider(Crypto.standard(), clock);
            var recipients = roster.accounts().get(victim.account()).devices().stream().map(x -> x.key().toCertificate()).toList();
            HostileProvider.Outcome o = provider.act(access, roster.accountId(victim), roster.device(victim).deviceId(), roster.device(victim).key(),
                    recipients, act);
            o.withheld().ifPresent(w -> withheld.add(new Withheld(victim, w)));
            if (o.plantedSeq() > 0) planted.add(new Planted(victim, o.plantedSeq()));
            return o.acted();
        } catch (Exception e) {
            throw new Fleet.FleetException("hostile " + act + " on " + victim + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * {@code author}'s folder is about to be restored without its {@code newestLost} newest messages
     * (by UID) while {@code author} is not running: remembers the events of those that are its genuine
     * entries. A listing that fails remembers nothing (their events then count as lost if missing).
     */
    synchronized void beforeLossyRestore(DeviceRef author, int newestLost) {
        try {
            String id = roster.device(author).deviceId();
            MailStore store = stores.provider(author.account()).mailbox();
            String folder = SmaFolders.deviceFolder(id);
            if (newestLost <= 0 || !store.listFolders().contains(folder)) return;
            List<StoredMessage> listing = new ArrayList<>(store.fetch(folder, UidRange.all(), Fetch.FULL));
            listing.sort(Comparator.comparingLong(StoredMessage::uid));
            Crypto crypto = Crypto.standard();
            for (StoredMessage m : listing.subList(Math.max(0, listing.size() - newestLost), listing.size())) {
                HostileProvider.open(crypto, m, id, roster.device(author).key()).ifPresent(w -> restoredAway.add(new Withheld(author, w)));
            }
        } catch (Exception unreadable) {
            // the server did not answer (it may be restarting): nothing is excused
        }
    }

    /** {@code author} runs again: it repairs its folder itself, so what a restore lost of it is no longer excused. */
    synchronized void authorStarted(DeviceRef author) {
        restoredAway.removeIf(w -> w.victim().equals(author));
    }

    /**
     * See {@link Fleet#restoredAway}: the dots of entries a restore lost while their author was not
     * running, whose author has not run since, and that its folder does not hold again.
     */
    synchronized Set<Dot> restoredAway() {
        Set<Dot> out = new HashSet<>();
        for (Withheld w : restoredAway) {
            boolean held;
            try {
                held = HostileProvider.covers(stores.provider(w.victim().account()).mailbox(), w.entry().victimId(), w.entry().from(), w.entry().to());
            } catch (Exception unreadable) {
                held = false; // the server did not answer: as if not
            }
            if (!held) out.addAll(w.entry().dots());
        }
        return out;
    }

    /** See {@link Fleet#withheldUnhealed}; {@code logs}: a device's local log (null if it never ran). */
    synchronized Set<Dot> unhealed(Function<DeviceRef, LocalLog> logs) {
        Set<Dot> out = new HashSet<>();
        Map<DeviceRef, Long> snapshots = new HashMap<>();
        for (Withheld w : withheld) {
            if (snapshotSeq(snapshots, w.victim()) < w.entry().to()) out.addAll(w.entry().dots());
        }
        for (Planted p : planted) {
            LocalLog log = logs.apply(p.victim());
            if (log == null || snapshotSeq(snapshots, p.victim()) >= p.seq()) continue;
            for (var e : log.read(persistenceId(p.victim()), p.seq(), p.seq(), 1)) HostileProvider.dotOf(e.payload()).ifPresent(out::add);
        }
        return out;
    }

    /** The newest snapshot of {@code d} on the server (cached in {@code seen} for one check). */
    private long snapshotSeq(Map<DeviceRef, Long> seen, DeviceRef d) {
        return seen.computeIfAbsent(d, x -> {
            try {
                return HostileProvider.snapshotSeq(stores.provider(x.account()).mailbox(), roster.device(x).deviceId());
            } catch (Exception e) {
                return 0L; // unreadable (the server did not answer): as if none
            }
        });
    }

    private String persistenceId(DeviceRef d) {
        try {
            return SmaFolders.devicePersistenceId(roster.accountId(d), roster.device(d).deviceId());
        } catch (Exception e) {
            throw new IllegalStateException("bad roster id for " + d, e);
        }
    }
}
