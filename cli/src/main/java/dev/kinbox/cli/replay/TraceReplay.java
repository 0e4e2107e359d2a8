package dev.kinbox.cli.replay;

import dev.kinbox.persistence.AccountState;
import dev.kinbox.simulator.trace.JournalEntry;
import dev.kinbox.simulator.trace.Journals;
import dev.kinbox.simulator.trace.StateView;
import dev.kinbox.simulator.trace.StepLog;
import dev.kinbox.simulator.trace.Trace;
import dev.kinbox.simulator.trace.TraceCheck;
import dev.kinbox.simulator.trace.TraceException;
import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.workload.Schedule;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code kinbox replay TRACE}: what a simulation trace holds, a device's timeline and state up to a
 * point of its journal, the difference of two devices, and the check that the journals still give
 * the recorded digests. Devices are named by their id, a unique prefix of it (4+ hex digits) or
 * {@code aN/dM} (account index, slot); accounts by their id or {@code aN}.
 */
final class TraceReplay {
    /** A device of the trace with its account. */
    record Found(Trace.Account account, Trace.Device device) {
        String label() { return "a" + account.index() + "/d" + device.slot(); }
    }

    private final Trace trace;
    private final PrintStream out;
    private final Map<String, String> labels = new HashMap<>();

    TraceReplay(Trace trace, PrintStream out) {
        this.trace = trace;
        this.out = out;
        for (Trace.Account a : trace.accounts()) {
            for (Trace.Device d : a.devices()) labels.put(d.deviceId(), "a" + a.index() + "/d" + d.slot());
        }
    }

    /** Names a device id as {@code aN/dM}, or by its id when the trace does not hold it. */
    Function<String, String> label() { return id -> labels.getOrDefault(id, id); }

    /** The trace's run, its violations and, per device of {@code account} (all when null), its journal in numbers. */
    void overview(Trace.Account only) throws TraceException {
        long failed = trace.steps().stream().filter(s -> !s.outcome().equals("done") && !s.outcome().startsWith("acked ") && !s.outcome().startsWith("retired: ")).count();
        int devices = trace.accounts().stream().mapToInt(a -> a.devices().size()).sum();
        out.printf(Locale.ROOT, "trace: seed %d, store %s, %d accounts, %d devices, %d steps (%d recorded, %d not carried out or not acknowledged), time scale %s%n",
                trace.seed(), trace.store(), trace.accounts().size(), devices, trace.scheduleSteps(), trace.steps().size(), failed, trace.timeScale());
        if (trace.violations().isEmpty()) out.println("violations: none");
        for (String v : trace.violations()) out.println("VIOLATION " + v);
        for (Trace.Account a : trace.accounts()) {
            if (only != null && only != a) continue;
            out.println("account " + a.accountId() + " (a" + a.index() + ")");
            for (Trace.Device d : a.devices()) {
                List<JournalEntry> j = Journals.decode(d);
                long own = j.stream().filter(e -> e instanceof JournalEntry.Applied x && x.event().origin().equals(d.deviceId())).count();
                long merged = j.stream().filter(e -> e instanceof JournalEntry.Merged).count();
                out.printf(Locale.ROOT, "  a%d/d%d %s %-7s %5d entries (%d own, %d replicated, %d merged states)  digest %s%n", a.index(), d.slot(),
                        d.deviceId(), d.live() ? "running" : "stopped", j.size(), own, j.size() - own - merged, merged, hex(d.digest()));
            }
        }
    }

    /**
     * The timeline of {@code f} up to {@code until}, its state there, then the steps of the run that
     * concerned it with their outcomes (all of them, whatever {@code until}: the schedule's simulated
     * times and the journal's clocks are not the same).
     */
    void device(Found f, Until until) throws TraceException {
        DeviceReport.print(out, "device " + f.label() + " " + f.device().deviceId() + " of " + f.account().accountId(), f.device().deviceId(),
                Journals.decode(f.device()), until, f.device().digest(), label());
        Schedule s;
        try {
            s = TraceCheck.schedule(trace);
        } catch (TraceException e) {
            out.println("steps: not shown, " + e.getMessage());
            return;
        }
        if (!TraceCheck.isTheRunsSchedule(trace, s)) {
            out.println("steps: not shown, seed " + trace.seed() + " now generates another schedule than the run's (a trace of another build?)");
            return;
        }
        out.println("steps of " + f.label() + " (the schedule of seed " + trace.seed() + "; real time after the steps began, and the outcome):");
        StepLog.lines(s, trace.steps(), new DeviceRef(f.account().index(), f.device().slot())).forEach(out::println);
    }

    /** Where the final states of {@code a} and {@code b} differ. */
    void diff(Found a, Found b) throws TraceException {
        AccountState sa = Journals.fold(Journals.decode(a.device()), Long.MAX_VALUE);
        AccountState sb = Journals.fold(Journals.decode(b.device()), Long.MAX_VALUE);
        StateView.diff(sa, a.label(), sb, b.label(), label()).forEach(out::println);
    }

    /** Every device's journal against its recorded digest, and the schedule against its seed; true when all match. */
    boolean verify() throws TraceException {
        TraceCheck.Result r = TraceCheck.verify(trace);
        for (String m : r.mismatches()) out.println("MISMATCH " + m);
        out.println(r.ok() ? "verify: the schedule regenerates from seed " + trace.seed() + " and all " + r.devices()
                + " devices' journals give their recorded digests (" + r.liveDigests() + " recorded from running MUAAs)"
                : "verify: " + r.mismatches().size() + " mismatch(es)");
        return r.ok();
    }

    Trace.Account account(String name) throws TraceException {
        for (Trace.Account a : trace.accounts()) {
            if (a.accountId().equalsIgnoreCase(name) || ("a" + a.index()).equals(name)) return a;
        }
        throw new TraceException("no account " + name + " in the trace (accounts: " + trace.accounts().stream()
                .map(a -> a.accountId() + " = a" + a.index()).limit(5).toList() + (trace.accounts().size() > 5 ? ", ..." : "") + ")");
    }

    /** The device named {@code name} (in {@code within}, when given); a {@link TraceException} when none or several match. */
    Found device(String name, Trace.Account within) throws TraceException {
        String n = name.toLowerCase(Locale.ROOT);
        List<Found> hits = new ArrayList<>();
        for (Trace.Account a : trace.accounts()) {
            if (within != null && within != a) continue;
            for (Trace.Device d : a.devices()) {
                Found f = new Found(a, d);
                if (f.label().equals(n) || d.deviceId().equals(n)) return f;
                if (n.length() >= 4 && d.deviceId().startsWith(n)) hits.add(f);
            }
        }
        if (hits.size() == 1) return hits.get(0);
        if (hits.isEmpty()) throw new TraceException("no device " + name + " in the trace" + (within != null ? " account " + within.accountId() : "")
                + " (name one by id, a unique prefix of 4+ digits, or aN/dM)");
        throw new TraceException("device " + name + " is ambiguous: " + hits.stream().map(Found::label).toList());
    }

    private static String hex(byte[] digest) { return TraceCheck.hex(digest); }
}
