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
    /** Most threads looking up snapshots at once ({@link #snapshotSeqs}): server round trips overlap, the server's cores stay the limit. */
    private static final int LOOKUP_THREADS = 8;

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

    /**
     * See {@link Fleet#withheldUnhealed}; {@code logs}: a device's local log (null if it never ran). Acts
     * go on meanwhile: the records are copied, and the servers asked, without the ledger's lock.
     */
    Set<Dot> unhealed(Function<DeviceRef, LocalLog> logs) {
        List<Withheld> held;
        List<Planted> plants;
        synchronized (this) {
            held = List.copyOf(withheld);
            plants = List.copyOf(planted);
        }
        Set<DeviceRef> victims = new HashSet<>();
        for (Withheld w : held) victims.add(w.victim());
        for (Planted p : plants) victims.add(p.victim());
        Map<DeviceRef, Long> snapshots = snapshotSeqs(victims);
        Set<Dot> out = new HashSet<>();
        for (Withheld w : held) {
            if (snapshots.getOrDefault(w.victim(), 0L) < w.entry().to()) out.addAll(w.entry().dots());
        }
        for (Planted p : plants) {
            LocalLog log = logs.apply(p.victim());
            if (log == null || snapshots.getOrDefault(p.victim(), 0L) >= p.seq()) continue;
            for (var e : log.read(persistenceId(p.victim()), p.seq(), p.seq(), 1)) HostileProvider.dotOf(e.payload()).ifPresent(out::add);
        }
        return out;
    }

    /**
     * The newest snapshot on the server of each of {@code devices} (0 when none, or when the server did
     * not answer: as if none): one folder listing each, the devices of different accounts side by side on
     * up to {@value #LOOKUP_THREADS} threads. One after the other, the 80-odd victims of a hostile GreenMail
     * run took about 7 s, at every check of the settle and at the end ({@code --seed 21 --hostile-per-day 24}).
     */
    private Map<DeviceRef, Long> snapshotSeqs(Set<DeviceRef> devices) {
        Map<Integer, List<DeviceRef>> byAccount = new HashMap<>();
        for (DeviceRef d : devices) byAccount.computeIfAbsent(d.account(), a -> new ArrayList<>()).add(d);
        Map<DeviceRef, Long> out = new java.util.concurrent.ConcurrentHashMap<>();
        if (byAccount.isEmpty()) return out;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(Math.min(LOOKUP_THREADS, byAccount.size()), r -> {
            Thread t = new Thread(r, "sim-ledger-lookup");
            t.setDaemon(true);
            return t;
        });
        try {
            List<java.util.concurrent.Future<?>> lookups = new ArrayList<>();
            for (List<DeviceRef> ds : byAccount.values()) lookups.add(pool.submit(() -> ds.forEach(d -> out.put(d, snapshotSeq(d)))));
            for (java.util.concurrent.Future<?> f : lookups) f.get(); // each lookup is bounded by its store's command timeouts
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // what was not looked up counts as no snapshot
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("snapshot lookup failed", e.getCause()); // snapshotSeq answers 0 on a store failure
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    /** The newest snapshot of {@code d} on the server, 0 when none or unreadable. */
    private long snapshotSeq(DeviceRef d) {
        try {
            return HostileProvider.snapshotSeq(stores.provider(d.account()).mailbox(), roster.device(d).deviceId());
        } catch (Exception e) {
            return 0L; // unreadable (the server did not answer): as if none
        }
    }

    private String persistenceId(DeviceRef d) {
        try {
            return SmaFolders.devicePersistenceId(roster.accountId(d), roster.device(d).deviceId());
        } catch (Exception e) {
            throw new IllegalStateException("bad roster id for " + d, e);
        }
    }
}
