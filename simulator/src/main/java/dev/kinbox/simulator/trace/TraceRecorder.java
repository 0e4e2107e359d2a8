package dev.kinbox.simulator.trace;

import dev.kinbox.persistence.AccountState;
import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.workload.Schedule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Records a run for its {@link Trace}: the runner reports what became of each step while it runs
 * ({@link #step}); at the end, while the devices still run, {@link #capture} reads every device's
 * journal and final digest. Thread-safe.
 */
public final class TraceRecorder {
    private static final int CAPTURE_ATTEMPTS = 5;
    private static final long STATE_TIMEOUT_MS = 30_000;

    private final Map<Integer, Trace.StepRecord> steps = new TreeMap<>();

    /** Step {@code index} was carried out {@code atMillis} after the steps began, with {@code outcome}; a later call for the same step replaces it (an edit's acknowledgement). */
    public synchronized void step(int index, long atMillis, String outcome) {
        steps.put(index, new Trace.StepRecord(index, atMillis, outcome));
    }

    /**
     * The trace of a run of {@code schedule} on {@code fleet}: every device in {@code started} with its
     * journal; a running device's digest is its live MUAA's, read between two reads of its journal
     * that agree (so the state and the journal belong together, retried a few times while entries
     * still arrive); a stopped device's is its journal's.
     */
    public Trace capture(Schedule schedule, String store, double timeScale, Fleet fleet, Set<DeviceRef> started, List<String> violations)
            throws InterruptedException {
        Roster roster = fleet.roster();
        Set<DeviceRef> running = fleet.running();
        List<Trace.Account> accounts = new ArrayList<>();
        for (int a = 0; a < roster.accounts().size(); a++) {
            List<Trace.Device> devices = new ArrayList<>();
            for (int slot = 0; slot < roster.accounts().get(a).devices().size(); slot++) {
                DeviceRef d = new DeviceRef(a, slot);
                if (started.contains(d)) devices.add(device(fleet, d, running.contains(d)));
            }
            accounts.add(new Trace.Account(a, roster.accounts().get(a).accountId(), devices));
        }
        List<Trace.StepRecord> done;
        synchronized (this) {
            done = List.copyOf(steps.values());
        }
        return new Trace(schedule.seed(), Trace.Workload.of(schedule.options()), schedule.steps().size(), Trace.digestOf(schedule), store,
                timeScale, done, accounts, violations);
    }

    private static Trace.Device device(Fleet fleet, DeviceRef d, boolean running) throws InterruptedException {
        String id = fleet.roster().device(d).deviceId();
        List<JournalEntry> journal = fleet.journal(d);
        if (running) {
            for (int attempt = 0; attempt < CAPTURE_ATTEMPTS; attempt++) {
                AccountState live;
                try {
                    live = fleet.state(d).toCompletableFuture().get(STATE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    break; // stopped or stuck: recorded with its journal's digest
                }
                List<JournalEntry> after = fleet.journal(d);
                if (after.size() == journal.size()) return new Trace.Device(d.slot(), id, true, Journals.digest(live), encode(journal));
                journal = after;
                Thread.sleep(100);
            }
        }
        return new Trace.Device(d.slot(), id, false, Journals.digest(Journals.fold(journal, Long.MAX_VALUE)), encode(journal));
    }

    private static List<Trace.Entry> encode(List<JournalEntry> journal) {
        List<Trace.Entry> out = new ArrayList<>(journal.size());
        for (JournalEntry e : journal) out.add(Journals.encode(e));
        return out;
    }
}
