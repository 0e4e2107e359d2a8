package dev.kinbox.simulator.fleet;

import dev.kinbox.actors.mail.AccountKeys;
import dev.kinbox.actors.mail.EventStamp;
import dev.kinbox.actors.mail.IncomingResult;
import dev.kinbox.actors.mail.MailAutocrypt;
import dev.kinbox.actors.mail.MailProcessingException;
import dev.kinbox.actors.mail.MailSettings;
import dev.kinbox.actors.muaa.Muaa;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.simulator.workload.Change;
import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.workload.DeviceClocks;
import dev.kinbox.simulator.workload.WorkloadOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * What a run's {@link WorkloadOptions.Faults} need from a hosted fleet: each device's mailbox view
 * behind a {@link FaultyLink} (latency, dropped connections), each device's clock offset by its
 * skew ({@link DeviceClocks}: fixed, or drifting and reset), server restarts, and the incoming mails - plain and gossip - of {@link PeerMail}.
 * Kept apart from {@link HostedFleet}, which only calls these hooks.
 */
public final class FleetFaults {
    private final long seed;
    private final WorkloadOptions.Faults faults;
    private final Crypto crypto;
    private final PeerMail peers; // null: no incoming mail in this run
    private final Map<DeviceRef, FaultyLink> links = new ConcurrentHashMap<>();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder opened = new LongAdder();
    private final LongAdder undecryptable = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder unsent = new LongAdder();

    private FleetFaults(long seed, WorkloadOptions.Faults faults, Crypto crypto, PeerMail peers) {
        this.seed = seed;
        this.faults = faults;
        this.crypto = crypto;
        this.peers = peers;
    }

    /** No faults, exact clocks, no incoming mail. */
    public static FleetFaults none() { return new FleetFaults(0, WorkloadOptions.Faults.NONE, null, null); }

    /** For a run of {@code seed} with {@code faults}; generates the peers' keys when the run has incoming mail. */
    public static FleetFaults of(long seed, WorkloadOptions.Faults faults, Crypto crypto) throws CryptoException {
        // the peers judge keys on the wall clock, which the keys are made on (devices run on simulated time)
        return new FleetFaults(seed, faults, crypto, faults.incomingPerDay() > 0 ? new PeerMail(crypto, Clock.systemUTC()) : null);
    }

    /**
     * For a run of {@code seed} with {@code faults} whose peers' keys were made elsewhere ({@link #peerKeys()} of the
     * driver's faults, on a cluster node): every device gets the latency stream, skew and peers it gets in one JVM.
     */
    public static FleetFaults of(long seed, WorkloadOptions.Faults faults, Crypto crypto, List<List<OpenPGPKey>> peerKeys) {
        if (faults.incomingPerDay() > 0 && peerKeys.isEmpty()) throw new IllegalArgumentException("incoming mail needs the run's peer keys");
        return new FleetFaults(seed, faults, crypto, faults.incomingPerDay() > 0 ? new PeerMail(crypto, Clock.systemUTC(), peerKeys) : null);
    }

    /** The run's seed (0 for {@link #none()}). */
    public long seed() { return seed; }

    /** The run's faults. */
    public WorkloadOptions.Faults faults() { return faults; }

    /** Every peer's keys by generation; empty without incoming mail. */
    public List<List<OpenPGPKey>> peerKeys() { return peers == null ? List.of() : peers.keys(); }

    /** {@code store} as {@code d} reaches it now (a new incarnation replaces the last one's link). */
    MailStore wrap(DeviceRef d, MailStore store) {
        if (faults.latencyMillis() == 0 && faults.dropsPerDay() == 0 && faults.restartsPerDay() == 0 && faults.rebuildsPerDay() == 0) return store;
        FaultyLink link = new FaultyLink(store, faults.latencyMillis(),
                new SplittableRandom(seed * 31 + d.account() * 1_000_003L + d.slot()).split());
        links.put(d, link);
        return link;
    }

    /** {@code base} offset by {@code d}'s skew: fixed, or drifting and reset now and then ({@link DeviceClocks}). */
    Clock clock(DeviceRef d, Clock base) {
        DeviceClocks.Plan plan = DeviceClocks.plan(seed, d, faults);
        if (plan.moves()) return new DeviceClock(base, plan);
        return plan.fixed() == 0 ? base : Clock.offset(base, Duration.ofMillis(plan.fixed()));
    }

    /** {@code d}'s next store operation fails as a dropped connection. */
    void drop(DeviceRef d) throws Fleet.FleetException {
        FaultyLink l = links.get(d);
        if (l == null) throw new Fleet.FleetException("cannot drop the connection of " + d + ": it never started with faults on", null);
        l.drop();
    }

    /** The server of {@code account} restarts: every connection of its devices drops, and the store restarts as it can. */
    void restart(int account, AccountStores stores) throws Fleet.FleetException {
        dropAll(account);
        try {
            stores.restart(account);
        } catch (RuntimeException e) {
            throw new Fleet.FleetException("cannot restart the server of account " + account + ": " + e.getMessage(), e);
        }
    }

    /**
     * The server of {@code account} comes back from a restore with {@code folder} rebuilt ({@link AccountStores#rebuild}):
     * every connection of its devices drops; false when there is no such folder.
     */
    boolean rebuild(int account, String folder, AccountStores stores) throws Fleet.FleetException {
        dropAll(account);
        try {
            return stores.rebuild(account, folder, faults.rebuildNewestLost());
        } catch (RuntimeException e) {
            throw new Fleet.FleetException("cannot rebuild folder " + folder + " of account " + account + ": " + e.getMessage(), e);
        }
    }

    private void dropAll(int account) {
        links.forEach((d, l) -> {
            if (d.account() == account) l.drop();
        });
    }

    /**
     * The MUAA command that records incoming mail {@code m} ({@link Change.IncomingMail} or {@link Change.GossipMail})
     * arriving at a device of account {@code accountId} at its clock's now, through {@link MailAutocrypt#onIncoming}
     * as the embedded {@code KinboxDevice.receive} does.
     */
    Muaa.Command incoming(Change m, String accountId, Clock deviceClock, ActorRef<StatusReply<List<AccountEvent>>> to) {
        if (peers == null) throw new IllegalStateException("this fleet was made without incoming mail (incomingPerDay 0)");
        MailAutocrypt mail = new MailAutocrypt(crypto, deviceClock, MailSettings.of(accountId));
        if (m instanceof Change.IncomingMail plain) {
            return new Muaa.RecordIncoming((state, stamp) -> {
                Instant now = deviceClock.instant();
                return mail.onIncoming(peers.mail(plain, accountId, now), now, state, mail.accountKeys(state), stamp).events();
            }, to);
        }
        if (m instanceof Change.GossipMail g) return new Muaa.RecordIncoming((state, stamp) -> gossip(g, accountId, deviceClock, mail, state, stamp), to);
        throw new IllegalArgumentException(m + " is not incoming mail");
    }

    /**
     * Inside the device's MUAA: peer {@code g.peer()} writes to the account's current key - read from the
     * device's state, as the account's own Autocrypt header would publish it (the public part only) - and
     * the device reads the mail; counted by outcome ({@link GossipCounts}).
     */
    private List<AccountEvent> gossip(Change.GossipMail g, String accountId, Clock deviceClock, MailAutocrypt mail, AccountState state,
                                      EventStamp stamp) throws Exception {
        Instant now = deviceClock.instant();
        AccountKeys keys = mail.accountKeys(state);
        if (keys.current().isEmpty()) {
            unsent.increment();
            throw new IllegalStateException("no current account key to encrypt a gossip mail to");
        }
        byte[] raw = peers.gossipMail(g, accountId, keys.current().get().key().toCertificate(), now);
        delivered.increment();
        IncomingResult r;
        try {
            r = mail.onIncoming(raw, now, state, keys, stamp);
        } catch (MailProcessingException e) {
            refused.increment();
            throw e;
        }
        (r.decryptedWith().isPresent() ? opened : undecryptable).increment();
        return r.events();
    }

    /** The run's peers (null without incoming mail). */
    PeerMail peers() { return peers; }

    /** What became of the gossip mails so far. */
    GossipCounts gossipCounts() {
        return new GossipCounts(delivered.sum(), opened.sum(), undecryptable.sum(), refused.sum(), unsent.sum());
    }
}
