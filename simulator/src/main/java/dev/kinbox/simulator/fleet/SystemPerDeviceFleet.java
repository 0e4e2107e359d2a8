package dev.kinbox.simulator.fleet;

import dev.kinbox.actors.muaa.Muaa;
import dev.kinbox.journal.KinboxJournalRuntime;
import dev.kinbox.journal.mail.CountingMailStore;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import dev.kinbox.persistence.store.LocalLog;
import dev.kinbox.simulator.workload.Change;
import dev.kinbox.simulator.workload.DeviceRef;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;

/**
 * Each device in its own ActorSystem ({@link DeviceSystems}), with its own in-memory local log (kept
 * across crashes, like a device's disk), its own connection to the account's mailbox (through an
 * {@link OfflineSwitch}, counted) and a {@link Muaa} replicating from every other slot of its account.
 * Costs a few dozen threads and some megabytes per device, so it suits up to a few dozen devices;
 * thousands need several devices per system, which the MUAA's read side does not allow yet.
 */
public final class SystemPerDeviceFleet implements Fleet {
    /** A MUAA snapshots this rarely: a compacted sibling's events do not reach readers yet (SiblingSnapshot is not merged). */
    static final int SNAPSHOT_EVERY = 1_000_000;
    private static final Duration UPLOAD_WAIT = Duration.ofSeconds(20);

    private record Running(ActorSystem<Void> system, ActorRef<Muaa.Command> muaa, OfflineSwitch link, CountingMailStore counted,
                           Set<CompletableFuture<?>> asks) {}

    private final Roster roster;
    private final AccountStores stores;
    private final Clock clock;
    private final Map<DeviceRef, LocalLog> logs = new ConcurrentHashMap<>();
    private final Map<DeviceRef, Running> running = new ConcurrentHashMap<>();
    private final Map<DeviceRef, Boolean> offline = new ConcurrentHashMap<>();
    private final LongAdder closedOps = new LongAdder();

    /** Devices of {@code roster} on {@code stores}, their clocks {@code clock}; closes {@code stores} when closed. */
    public SystemPerDeviceFleet(Roster roster, AccountStores stores, Clock clock) {
        this.roster = roster;
        this.stores = stores;
        this.clock = clock;
    }

    @Override public Roster roster() { return roster; }

    @Override public void start(DeviceRef d) throws FleetException {
        if (running.containsKey(d)) throw new FleetException(d + " is already running", null);
        try {
            CountingMailStore counted = new CountingMailStore(stores.connect(d.account()), true);
            OfflineSwitch link = new OfflineSwitch(counted);
            link.offline(offline.getOrDefault(d, false));
            LocalLog log = logs.computeIfAbsent(d, k -> new InMemoryLocalLog());
            ActorSystem<Void> sys = DeviceSystems.start("sim", link, roster.keyring(d), log, true);
            Muaa.Settings settings = new Muaa.Settings(roster.accountId(d), roster.device(d).deviceId(), SNAPSHOT_EVERY);
            ActorRef<Muaa.Command> m = sys.systemActorOf(Muaa.create(settings, clock, roster.siblingIds(d)), "muaa", Props.empty());
            running.put(d, new Running(sys, m, link, counted, ConcurrentHashMap.newKeySet()));
            state(d).toCompletableFuture().get(DeviceSystems.ASK.toSeconds(), java.util.concurrent.TimeUnit.SECONDS); // recovered and ready
        } catch (Exception e) {
            Running half = running.remove(d);
            if (half != null) half.system().terminate();
            throw new FleetException("cannot start " + d + ": " + e.getMessage(), e);
        }
    }

    @Override public boolean stop(DeviceRef d, boolean orderly) throws FleetException {
        Running r = running.remove(d);
        if (r == null) throw new FleetException(d + " is not running", null);
        boolean uploaded = true;
        try {
            if (orderly) {
                String pid = dev.kinbox.journal.sma.SmaFolders.devicePersistenceId(roster.accountId(d), roster.device(d).deviceId());
                uploaded = KinboxJournalRuntime.get(r.system().classicSystem()).awaitUploaded(pid, UPLOAD_WAIT);
            }
            DeviceSystems.stop(r.system());
        } catch (Exception e) {
            throw new FleetException("cannot stop " + d + ": " + e.getMessage(), e);
        } finally {
            // asks the stopped device will never answer fail now rather than at their timeout
            for (CompletableFuture<?> f : r.asks()) f.completeExceptionally(new IllegalStateException(d + " stopped before answering"));
            closedOps.add(r.counted().operations());
            r.link().close();
        }
        return uploaded;
    }

    @Override public void online(DeviceRef d, boolean on) {
        offline.put(d, !on);
        Running r = running.get(d);
        if (r != null) r.link().offline(!on);
    }

    @Override public CompletionStage<Dot> edit(DeviceRef d, Change change) {
        Running r = running.get(d);
        if (r == null) return CompletableFuture.failedFuture(new IllegalStateException(d + " is not running"));
        return tracked(r, AskPattern.<Muaa.Command, StatusReply<AccountEvent>>ask(r.muaa(), to -> command(change, to), DeviceSystems.ASK,
                r.system().scheduler()).thenApply(reply -> DeviceSystems.requireSuccess(reply).dot()));
    }

    private static Muaa.Command command(Change c, ActorRef<StatusReply<AccountEvent>> to) {
        if (c instanceof Change.SetSetting s) return new Muaa.ChangeSetting(s.key(), s.value(), to);
        if (c instanceof Change.CreateContact cc) return new Muaa.CreateContact(cc.contactId(), to);
        Change.EditContact e = (Change.EditContact) c;
        return new Muaa.EditContact(e.contactId(), e.field(), e.value(), to);
    }

    @Override public CompletionStage<AccountState> state(DeviceRef d) {
        Running r = running.get(d);
        if (r == null) return CompletableFuture.failedFuture(new IllegalStateException(d + " is not running"));
        return tracked(r, AskPattern.<Muaa.Command, StatusReply<AccountState>>ask(r.muaa(), Muaa.GetState::new, DeviceSystems.ASK,
                r.system().scheduler()).thenApply(DeviceSystems::requireSuccess));
    }

    /** A future that also fails when {@code r} stops. */
    private static <T> CompletionStage<T> tracked(Running r, CompletionStage<T> ask) {
        CompletableFuture<T> f = new CompletableFuture<>();
        r.asks().add(f);
        ask.whenComplete((v, e) -> {
            if (e == null) f.complete(v);
            else f.completeExceptionally(e);
            r.asks().remove(f);
        });
        return f;
    }

    @Override public Set<DeviceRef> running() { return new TreeSet<>(running.keySet()); }

    @Override public long storeOperations() {
        return closedOps.sum() + running.values().stream().mapToLong(r -> r.counted().operations()).sum();
    }

    @Override public long storeMessages(int account) { return stores.messages(account); }

    @Override public void close() {
        for (DeviceRef d : running()) {
            try {
                stop(d, false);
            } catch (FleetException e) {
                System.err.println("simulator: " + e.getMessage());
            }
        }
        stores.close();
    }
}
