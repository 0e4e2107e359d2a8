package dev.kinbox.simulator.trace;

import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.workload.Schedule;
import dev.kinbox.simulator.workload.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What happened to one device in a run, beside its journal: the schedule's steps that concern it -
 * its own (join, leave, crash, restart, offline spells, edits, dropped connections, a removal of it
 * or by it, the provider's acts on its folder, rebuilds of its folder) and its account's server
 * restarts - each with its simulated time and what the run recorded of it (when, in real time after
 * the steps began, and the outcome). A step the run did not record was not carried out (the run
 * ended or stopped first).
 */
public final class StepLog {
    private StepLog() {}

    /** One line per step of {@code schedule} that concerns {@code d}, in schedule order, with its {@code recorded} outcome. */
    public static List<String> lines(Schedule schedule, List<Trace.StepRecord> recorded, DeviceRef d) {
        Map<Integer, Trace.StepRecord> byIndex = new HashMap<>();
        for (Trace.StepRecord r : recorded) byIndex.put(r.index(), r);
        List<String> out = new ArrayList<>();
        List<Step> steps = schedule.steps();
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            if (!concerns(s, d)) continue;
            Trace.StepRecord r = byIndex.get(i);
            String done = r == null ? "-" : String.format(Locale.ROOT, "%.3f s", r.atMillis() / 1000.0);
            out.add(String.format(Locale.ROOT, "step %-6d sim %-12s real %-10s %-44s %s", i, simTime(s.at()), done, describe(s),
                    r == null ? "(not carried out)" : r.outcome()).stripTrailing());
        }
        return out;
    }

    /** Whether {@code s} happens to {@code d}: its own step, a removal by it, or a server restart of its account. */
    static boolean concerns(Step s, DeviceRef d) {
        if (s.device().equals(d)) return true;
        if (s instanceof Step.Remove r) return r.by().equals(d);
        return s instanceof Step.ServerRestart && s.device().account() == d.account();
    }

    /** The step's kind and what it carries, without the device (the log is one device's). */
    static String describe(Step s) {
        String kind = s.getClass().getSimpleName();
        if (s instanceof Step.Edit e) return kind + " " + e.change();
        if (s instanceof Step.Remove r) return kind + " " + r.device() + " by " + r.by();
        if (s instanceof Step.Hostile h) return kind + " " + h.act();
        if (s instanceof Step.ServerRestart) return kind + " (the account's server)";
        return kind;
    }

    /** Simulated time since the start of the period as {@code h:mm:ss.SSS} (hours past 24 run on). */
    static String simTime(long millis) {
        return String.format(Locale.ROOT, "%d:%02d:%02d.%03d", millis / 3_600_000, millis / 60_000 % 60, millis / 1000 % 60, millis % 1000);
    }
}
