package dev.kinbox.simulator.run;

import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.DeviceRecord;
import dev.kinbox.persistence.crdt.DeviceStatus;
import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.fleet.StoreMessages;
import dev.kinbox.simulator.workload.DeviceRef;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Watches a running fleet from its own thread: every {@code interval} (or twice the time the last
 * sample took, when that is longer: large fleets) it reads the state of every running device and
 * <ul>
 *   <li>resolves acknowledged edits: an edit's convergence lag is the time from its acknowledgement
 *       to the first sample where every running, online device of its account holds its dot (and at
 *       least one of them is not its author) - so the lag has the sample interval as resolution;</li>
 *   <li>counts events applied: for each device the most events its state ever held, summed over every
 *       device that ran (own edits plus sibling events; monotonic);</li>
 *   <li>counts the messages of the accounts' mailboxes by kind, round-robin over the accounts within
 *       {@link #STORE_BUDGET_MS} per second (so every account is counted every few seconds even on a
 *       slow store), keeping each account's most journal messages for {@code store_bounded};</li>
 *   <li>notes every device whose state holds the hostile provider's marker ({@link Invariants#holdsForgery});</li>
 *   <li>hands every sample's states and every mailbox count to the {@link LiveChecks}, and once a second
 *       tries, round-robin within {@link #AUDIT_BUDGET_MS}, whether a retired device could open what a running,
 *       online sibling wrote after retiring it ({@link Fleet#readableByRetired});</li>
 *   <li>records the timeline ({@link Sample}: running devices, of them paired, ...) and the peak heap.</li>
 * </ul>
 */
final class Sampler {
    /** Real time per second the sampler may spend counting mailbox messages. */
    static final long STORE_BUDGET_MS = 100;
    /** Real time per second the sampler may spend trying retired devices' keys on their siblings' folders. */
    static final long AUDIT_BUDGET_MS = 100;
    private final Fleet fleet;
    private final StateFacts facts;
    private final LiveChecks live;
    private final Set<DeviceRef> offline;
    private final long intervalNanos;
    private final long t0;
    private final ConcurrentLinkedQueue<AckedEdit> incoming = new ConcurrentLinkedQueue<>();
    private final Map<Integer, List<AckedEdit>> pending = new HashMap<>();
    private final Map<DeviceRef, Long> heldMax = new ConcurrentHashMap<>();
    private final Map<Integer, Long> journalMax = new ConcurrentHashMap<>();
    private final Set<DeviceRef> forged = ConcurrentHashMap.newKeySet();
    private final List<Sample> timeline = new ArrayList<>();
    private final Histogram lag = new Histogram(3_600_000L, 3);
    private volatile long peakHeap;
    private volatile long storeMessagesMax;
    private volatile long storeDropsMax;
    private long lastStoreNanos;
    private long lastAuditNanos;
    private int nextAudit;
    private int nextAccount;
    private int pendingCount;
    private long lastSampleNanos;
    private Thread thread;
    private volatile boolean stop;

    Sampler(Fleet fleet, Set<DeviceRef> offline, long intervalMs, long t0, LiveChecks live, StateFacts facts) {
        this.fleet = fleet;
        this.facts = facts;
        this.live = live;
        this.offline = offline;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
        this.t0 = t0;
    }

    void acked(AckedEdit e) { incoming.add(e); }

    void start() {
        thread = new Thread(this::loop, "sim-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() throws InterruptedException {
        stop = true;
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(30));
        sampleOnce(); // a last look after the run
    }

    private void loop() {
        while (!stop) {
            long began = System.nanoTime();
            sampleOnce();
            long took = System.nanoTime() - began;
            long wait = Math.max(intervalNanos, 2 * took) - took;
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void sampleOnce() {
        long now = System.nanoTime();
        for (AckedEdit e; (e = incoming.poll()) != null; pendingCount++) {
            pending.computeIfAbsent(e.device().account(), a -> new ArrayList<>()).add(e);
        }
        Map<DeviceRef, AccountState> states = FleetStates.read(fleet, 5_000, (d, e) -> { });
        Map<Integer, List<Map.Entry<DeviceRef, AccountState>>> byAccount = new HashMap<>();
        Set<DeviceRef> forgedNow = new java.util.HashSet<>();
        int paired = 0;
        for (var st : states.entrySet()) {
            if (pairedItself(fleet.roster(), st.getKey(), st.getValue())) paired++;
            heldMax.merge(st.getKey(), Invariants.eventsHeld(st.getValue()), Math::max);
            if (facts.of(st.getKey(), st.getValue()).forged()) forgedNow.add(st.getKey());
            byAccount.computeIfAbsent(st.getKey().account(), a -> new ArrayList<>()).add(st);
        }
        forged.addAll(forgedNow);
        live.states(states, forgedNow);
        double windowMax = -1;
        for (var acc : pending.entrySet()) {
            List<Map.Entry<DeviceRef, AccountState>> devices = byAccount.getOrDefault(acc.getKey(), List.of());
            for (Iterator<AckedEdit> it = acc.getValue().iterator(); it.hasNext(); ) {
                AckedEdit e = it.next();
                boolean other = false;
                boolean all = true;
                for (var st : devices) {
                    if (offline.contains(st.getKey())) continue;
                    if (!st.getKey().equals(e.device())) other = true;
                    all &= st.getValue().context().contains(e.dot());
                }
                if (other && all) {
                    double ms = Math.max(0, (now - e.ackNanos()) / 1e6);
                    lag.recordValue(Math.min(lag.getHighestTrackableValue(), (long) Math.ceil(ms)));
                    windowMax = Math.max(windowMax, ms);
                    it.remove();
                    pendingCount--;
                }
            }
        }
        if (now - lastStoreNanos >= TimeUnit.SECONDS.toNanos(1)) {
            lastStoreNanos = now;
            countStores();
        }
        if (now - lastAuditNanos >= TimeUnit.SECONDS.toNanos(1)) {
            lastAuditNanos = now;
            auditRetired(states);
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        peakHeap = Math.max(peakHeap, heap);
        lastSampleNanos = System.nanoTime() - now;
        timeline.add(new Sample((now - t0) / 1e9, states.size(), paired, eventsApplied(), windowMax, storeMessagesMax, heap));
    }

    private void countStores() {
        int accounts = fleet.roster().accounts().size();
        long budgetEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STORE_BUDGET_MS);
        for (int i = 0; i < accounts && System.nanoTime() < budgetEnd; i++) {
            int a = nextAccount;
            nextAccount = (nextAccount + 1) % accounts;
            try {
                StoreMessages m = fleet.storeMessages(a);
                storeMessagesMax = Math.max(storeMessagesMax, m.total());
                storeDropsMax = Math.max(storeDropsMax, m.drops());
                journalMax.merge(a, m.journal(), Math::max);
                live.storeCount(a, m.journal());
            } catch (RuntimeException storeBusy) {
                // a failed count is skipped; the next round will do
            }
        }
    }

    /** Whether {@code d}'s own state records it as {@link DeviceStatus#PAIRED} (a newcomer still pairing is announced at most; a retired one is not paired). */
    static boolean pairedItself(Roster roster, DeviceRef d, AccountState s) {
        DeviceRecord r = s.devices().get(roster.device(d).deviceId());
        return r != null && r.status() == DeviceStatus.PAIRED;
    }

    /**
     * For the pairs (running, online writer; device its state has retired), round-robin within
     * {@link #AUDIT_BUDGET_MS}: could the retired device open what the writer wrote since? A fleet that
     * cannot look (not hosted in this JVM) or a folder that cannot be read now is skipped: the last check tries every pair.
     */
    private void auditRetired(Map<DeviceRef, AccountState> states) {
        record Pair(DeviceRef writer, DeviceRef retired) {}
        List<Pair> pairs = new ArrayList<>();
        for (var st : new java.util.TreeMap<>(states).entrySet()) {
            if (offline.contains(st.getKey())) continue;
            for (DeviceRef r : RetirementCheck.retiredIn(fleet.roster(), st.getKey(), st.getValue())) pairs.add(new Pair(st.getKey(), r));
        }
        if (pairs.isEmpty()) return;
        long budgetEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AUDIT_BUDGET_MS);
        List<RetirementCheck.Audit> audits = new ArrayList<>();
        for (int i = 0; i < pairs.size() && System.nanoTime() < budgetEnd; i++) {
            Pair p = pairs.get(Math.floorMod(nextAudit++, pairs.size()));
            try {
                audits.add(new RetirementCheck.Audit(p.writer(), p.retired(), fleet.readableByRetired(p.writer(), p.retired())));
            } catch (Fleet.FleetException | RuntimeException notNow) {
                // not hosted here, or the folder could not be read at this moment
            }
        }
        live.audits(audits);
    }

    long eventsApplied() { return heldMax.values().stream().mapToLong(Long::longValue).sum(); }

    synchronized Histogram lag() { return lag.copy(); }

    synchronized int unresolved() { return pendingCount + incoming.size(); }

    synchronized List<Sample> timeline() { return List.copyOf(timeline); }

    /** Account index -> most journal messages counted in its mailbox. */
    Map<Integer, Long> journalMax() { return Map.copyOf(journalMax); }

    /** Devices whose state held the provider's marker at some sample. */
    Set<DeviceRef> forged() { return Set.copyOf(forged); }

    long peakHeap() { return peakHeap; }

    long storeMessagesMax() { return storeMessagesMax; }

    long storeDropsMax() { return storeDropsMax; }

    long storeJournalMax() { return journalMax.values().stream().mapToLong(Long::longValue).max().orElse(0); }

    /** Real milliseconds the last sample took (its interval grows with it). */
    synchronized double lastSampleMs() { return lastSampleNanos / 1e6; }
}
