package dev.kinbox.simulator.run;

import dev.kinbox.persistence.AccountState;
import dev.kinbox.simulator.fleet.Fleet;
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
 * Watches a running fleet from its own thread: every {@code interval} it reads the state of every
 * running device and
 * <ul>
 *   <li>resolves acknowledged edits: an edit's convergence lag is the time from its acknowledgement
 *       to the first sample where every running, online device of its account holds its dot (and at
 *       least one of them is not its author) - so the lag has the sample interval as resolution;</li>
 *   <li>counts events applied: for each device the most events its state ever held, summed over every
 *       device that ran (own edits plus sibling events; monotonic);</li>
 *   <li>records the timeline ({@link Sample}) and the peak heap.</li>
 * </ul>
 */
final class Sampler {
    private final Fleet fleet;
    private final Set<DeviceRef> offline;
    private final long intervalNanos;
    private final long storeEveryNanos;
    private final long t0;
    private final ConcurrentLinkedQueue<AckedEdit> incoming = new ConcurrentLinkedQueue<>();
    private final List<AckedEdit> pending = new ArrayList<>();
    private final Map<DeviceRef, Long> heldMax = new ConcurrentHashMap<>();
    private final List<Sample> timeline = new ArrayList<>();
    private final Histogram lag = new Histogram(3_600_000L, 3);
    private volatile long peakHeap;
    private volatile long storeMessagesMax;
    private long lastStoreNanos;
    private Thread thread;
    private volatile boolean stop;

    Sampler(Fleet fleet, Set<DeviceRef> offline, long intervalMs, long t0) {
        this.fleet = fleet;
        this.offline = offline;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
        this.storeEveryNanos = TimeUnit.SECONDS.toNanos(1);
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
            long next = System.nanoTime() + intervalNanos;
            sampleOnce();
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private synchronized void sampleOnce() {
        long now = System.nanoTime();
        for (AckedEdit e; (e = incoming.poll()) != null; ) pending.add(e);
        Map<DeviceRef, AccountState> states = new HashMap<>();
        for (DeviceRef d : fleet.running()) {
            try {
                AccountState s = fleet.state(d).toCompletableFuture().get(5, TimeUnit.SECONDS);
                states.put(d, s);
                heldMax.merge(d, Invariants.eventsHeld(s), Math::max);
            } catch (Exception stoppedMeanwhile) {
                // the device stopped between running() and the ask; it is not counted this round
            }
        }
        double windowMax = -1;
        for (Iterator<AckedEdit> it = pending.iterator(); it.hasNext(); ) {
            AckedEdit e = it.next();
            boolean other = false;
            boolean all = true;
            for (var st : states.entrySet()) {
                DeviceRef d = st.getKey();
                if (d.account() != e.device().account() || offline.contains(d)) continue;
                if (!d.equals(e.device())) other = true;
                all &= st.getValue().context().contains(e.dot());
            }
            if (other && all) {
                double ms = Math.max(0, (now - e.ackNanos()) / 1e6);
                lag.recordValue(Math.min(lag.getHighestTrackableValue(), (long) Math.ceil(ms)));
                windowMax = Math.max(windowMax, ms);
                it.remove();
            }
        }
        if (now - lastStoreNanos >= storeEveryNanos) {
            lastStoreNanos = now;
            long max = 0;
            for (int a = 0; a < fleet.roster().accounts().size(); a++) {
                try {
                    max = Math.max(max, fleet.storeMessages(a));
                } catch (RuntimeException storeBusy) {
                    // a failed count is skipped; the next one will do
                }
            }
            storeMessagesMax = Math.max(storeMessagesMax, max);
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        peakHeap = Math.max(peakHeap, heap);
        timeline.add(new Sample((now - t0) / 1e9, states.size(), eventsApplied(), windowMax, storeMessagesMax, heap));
    }

    long eventsApplied() { return heldMax.values().stream().mapToLong(Long::longValue).sum(); }

    synchronized Histogram lag() { return lag.copy(); }

    synchronized int unresolved() { return pending.size() + incoming.size(); }

    synchronized List<Sample> timeline() { return List.copyOf(timeline); }

    long peakHeap() { return peakHeap; }

    long storeMessagesMax() { return storeMessagesMax; }
}
