package dev.kinbox.simulator.trace;

import dev.kinbox.simulator.workload.Schedule;
import dev.kinbox.simulator.workload.Workload;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Runs a trace again: regenerates the schedule from its seed and options and compares it with the
 * recorded one, and rebuilds every device's final state from its journal and compares its digest
 * with the recorded one.
 */
public final class TraceCheck {
    private TraceCheck() {}

    /** What {@link #verify} found: devices checked, one line per mismatch (empty: all equal). */
    public record Result(int devices, int liveDigests, List<String> mismatches) {
        public Result { mismatches = List.copyOf(mismatches); }

        public boolean ok() { return mismatches.isEmpty(); }
    }

    /** A {@link TraceException} when a journal does not decode or the workload options are invalid. */
    public static Result verify(Trace t) throws TraceException {
        List<String> mismatches = new ArrayList<>();
        Schedule again = schedule(t);
        if (!isTheRunsSchedule(t, again)) {
            mismatches.add("schedule: seed " + t.seed() + " now generates " + again.steps().size() + " steps, the trace recorded "
                    + t.scheduleSteps() + (again.steps().size() == t.scheduleSteps() ? " with other content" : ""));
        }
        int devices = 0, live = 0;
        for (Trace.Account a : t.accounts()) {
            for (Trace.Device d : a.devices()) {
                devices++;
                if (d.live()) live++;
                byte[] replayed = Journals.digest(Journals.fold(Journals.decode(d), Long.MAX_VALUE));
                if (!Arrays.equals(replayed, d.digest())) {
                    mismatches.add("a" + a.index() + "/d" + d.slot() + " " + d.deviceId() + ": journal of " + d.journal().size()
                            + " entries gives digest " + hex(replayed) + ", recorded " + hex(d.digest()) + (d.live() ? " (live MUAA)" : ""));
                }
            }
        }
        return new Result(devices, live, mismatches);
    }

    /** The schedule {@code t}'s seed and workload options generate now; a {@link TraceException} when the options are invalid. */
    public static Schedule schedule(Trace t) throws TraceException {
        try {
            return Workload.generate(t.seed(), t.workload().options());
        } catch (IllegalArgumentException e) {
            throw new TraceException("the trace's workload cannot be generated again: " + e.getMessage(), e);
        }
    }

    /** Whether {@code s} is the schedule the run of {@code t} carried out (same length and digest). */
    public static boolean isTheRunsSchedule(Trace t, Schedule s) {
        return s.steps().size() == t.scheduleSteps() && Arrays.equals(Trace.digestOf(s), t.scheduleDigest());
    }

    /** The first 8 bytes of a digest in hex, as traces and replays print them. */
    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest, 0, Math.min(8, digest.length));
    }
}
