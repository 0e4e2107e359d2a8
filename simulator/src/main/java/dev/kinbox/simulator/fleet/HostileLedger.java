package dev.kinbox.simulator.fleet;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.mail.Retries;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.store.LocalLog;
import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.workload.HostileAct;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The hostile provider of one fleet and what the simulator (which knows every key) learned from its
 * acts: the entries it withheld and the sequence numbers whose Message-ID a forgery planted, so the
 * invariants can tell an edit the protocol has not healed yet from a lost one. Thread-safe: acts on one
 * account run one at a time, acts on different accounts side by side (one lock for the whole fleet
 * made every lane wait on it: at 24 acts per account a day, 25 accounts on GreenMail, the 30 s of steps
 * took about 2 minutes); the records are synchronized.
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
    private final Map<Integer, Object> accountLocks = new java.util.concurrent.ConcurrentHashMap<>();
    private HostileProvider provider; // made at the first act (it generates a key)

    HostileLedger(Roster roster, AccountStores stores, Clock clock) {
        this.roster = roster;
        this.stores = stores;
        this.clock = clock;
    }

    /** See {@link Fleet#hostile}. */
    boolean act(DeviceRef victim, HostileAct act) throws Fleet.FleetException {
        synchronized (accountLocks.computeIfAbsent(victim.account(), a -> new Object())) {
            return actAlone(victim, act);
        }
    }

    private synchronized HostileProvider provider() throws dev.kinbox.crypto.CryptoException {
        if (provider == null) provider = new HostileProvider(Crypto.standard(), clock);
        return provider;
    }

    private boolean actAlone(DeviceRef victim, HostileAct act) throws Fleet.FleetException {
        try {
            HostileProvider provider = provider();
            var recipients = roster.accounts().get(victim.account()).devices().stream().map(x -> x.key().toCertificate()).toList();
            // recorded before the command that withholds or plants: a connection lost after the server carried it out
            // (a restart) leaves only an error, and the act tried again acts on the next entry
            HostileProvider.Intent intent = new HostileProvider.Intent() {
                @Override public void withholding(HostileProvider.Withheld entry) {
                    synchronized (HostileLedger.this) {
                        withheld.add(new Withheld(victim, entry));
                    }
                }

                @Override public void planting(long seq) {
                    synchronized (HostileLedger.this) {
                        planted.add(new Planted(victim, seq));
                    }
                }
            };
            return Retries.afterLostConnections(attempt -> {
                try {
                    ProviderAccess access = stores.provider(victim.account());
                    return provider.act(access, roster.accountId(victim), roster.device(victim).deviceId(), roster.device(victim).key(),
                            recipients, act, intent).acted();
                } catch (dev.kinbox.crypto.CryptoException | dev.kinbox.journal.sma.SmaFormatException e) {
                    throw new java.util.concurrent.CompletionException(e); // not retried: unwrapped below
                }
            });
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            throw new Fleet.FleetException("hostile " + act + " on " + victim + " failed: " + cause.getMessage(), cause);
        }
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
