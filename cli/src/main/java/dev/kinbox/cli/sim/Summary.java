package dev.kinbox.cli.sim;

import dev.kinbox.simulator.report.ReportJson;
import dev.kinbox.simulator.run.FirstViolation;
import dev.kinbox.simulator.run.Pacing;
import dev.kinbox.simulator.run.RunResult;
import dev.kinbox.simulator.run.Violation;
import java.nio.file.Path;
import java.util.Optional;

/** The summary table {@code kinbox simulate} prints on stdout, and every violation with its account, devices and dots. */
public final class Summary {
    private Summary() {}

    public static String table(RunResult r) {
        return table(r, Optional.empty());
    }

    /** As {@link #table(RunResult)}, with the trace's path and, under each violation, the command that replays its account. */
    public static String table(RunResult r, Optional<Path> trace) {
        StringBuilder b = new StringBuilder();
        row(b, "result", r.ok() ? "all checked invariants hold" : "INVARIANT VIOLATED");
        row(b, "seed", r.seed());
        row(b, "store", r.store());
        row(b, "accounts", r.accounts());
        row(b, "devices peak / started", r.devicesPeak() + " / " + r.devicesStarted() + " (paired peak " + r.devicesPairedPeak() + ")");
        row(b, "steps", r.steps());
        row(b, "edits acked / not acked", r.ackedEdits() + " / " + r.unackedEdits());
        row(b, "events applied", r.eventsApplied());
        row(b, "converged", r.check().converged() + " (divergent devices: " + r.check().divergentDevices() + ")");
        row(b, "lost edits", r.check().lostEdits() + (r.check().withheldMissing() > 0
                ? " (and " + r.check().withheldMissing() + " withheld by the provider, not healed yet: their author wrote no snapshot since, nor uploaded them again)" : ""));
        row(b, "forged applied", r.check().forgedApplied());
        row(b, "devices retired", r.check().retiredDevices() + " (removed, left or expired; " + r.check().retiredMissing()
                + " edits of removed or expired ones missing, not counted as lost)");
        if (r.check().leftMissing() > 0) {
            row(b, "left unconfirmed", r.check().leftMissing() + " edit(s) missing of devices that left before their uploads were confirmed"
                    + " (not counted as lost; see the notes)");
        }
        if (r.check().restoredMissing() > 0) {
            row(b, "restored away", r.check().restoredMissing() + " edit(s) no device holds whose entry a restore from an older backup lost"
                    + " while their author was not running (not counted as lost: only their author can upload them again)");
        }
        if (!r.hostileActs().isEmpty()) row(b, "hostile acts", new java.util.TreeMap<>(r.hostileActs()));
        if (!r.hostileActs().isEmpty() || r.refusals().passedOver() > 0) {
            row(b, "journal refusals", "untrusted " + r.refusals().untrusted() + ", malformed " + r.refusals().malformed() + ", replayed "
                    + r.refusals().replayed() + ", gaps " + r.refusals().gaps() + ", passed over " + r.refusals().passedOver()
                    + (r.refusals().passedOver() > 0 ? " (messages the server refused to serve past kinbox.query.refused-pass-over)" : ""));
        }
        if (!r.hostileActs().isEmpty() || r.refusals().announcementsRefused() > 0) {
            row(b, "_Autocrypt_SMA refusals", r.refusals().announcementsRefused() + " (announcements, notices and rolls, each counted by every device"
                    + " that read it); " + r.refusals().impostorsDeleted() + " deleted by the device named in them");
        }
        if (!r.hostileActs().isEmpty() || r.refusals().auditRepairs() > 0) {
            row(b, "author audits", r.refusals().auditRepairs() + " repair(s): an author found entries, a snapshot or a mark of its own"
                    + " deleted or altered on the server and uploaded them again");
        }
        if (r.folderRebuilds() > 0) {
            row(b, "folder rebuilds", r.folderRebuilds() + " (new UIDVALIDITY, messages renumbered; " + r.refusals().foldersRepaired()
                    + " repaired by their authors after a restore lost messages)");
        }
        row(b, "convergence lag ms", "p50 " + r.lagP50Ms() + ", p99 " + r.lagP99Ms() + ", max " + r.lagMaxMs() + " (unresolved " + r.lagUnresolved() + ")");
        row(b, "store messages/account max", r.storeMessagesPerAccountMax() + " (journal " + r.storeJournalMax() + ", bound " + r.storeBound()
                + "; nudges " + r.storeDropsMax() + ")");
        row(b, "store operations", r.storeOps());
        row(b, "wall seconds (settle)", String.format("%.1f (%.1f)", r.wallSeconds(), r.settleSeconds()));
        row(b, "steps behind max", pacing(r.pacing()));
        row(b, "peak heap MiB", r.peakHeapBytes() >> 20);
        row(b, "per device start ms / threads", String.format("%.0f / %.1f", r.startMsPerDevice(), r.threadsPerDevice()));
        if (r.stepErrors() > 0) row(b, "step errors", r.stepErrors());
        if (r.stoppedAtSeconds() >= 0) row(b, "stopped early", String.format("at %.1f s (--stop-on-violation), %d step(s) not run", r.stoppedAtSeconds(), r.stepsNotRun()));
        for (FirstViolation f : r.firstViolations()) b.append("FIRST ").append(f.line()).append('\n');
        for (Violation v : r.check().violations()) {
            b.append("VIOLATION ").append(v.describe()).append('\n');
            trace.ifPresent(t -> b.append("  replay: ").append(ReportJson.replayCommand(t, v.accountId())).append('\n'));
        }
        trace.ifPresent(t -> row(b, "trace", t));
        for (String n : r.notes()) b.append("note: ").append(n).append('\n');
        return b.toString();
    }

    /** How far the steps fell behind the devices' clock (simulated), and how long the pacer slowed it (real). */
    static String pacing(Pacing p) {
        String lag = String.format("%.2f simulated h", p.maxLagMillis() / 3.6e6);
        if (p.boundMillis() < 0) return lag + " (not paced)";
        return lag + String.format(" (bound %.2f h; clock slowed %d time(s), %.1f real s)", p.boundMillis() / 3.6e6, p.slowdowns(), p.slowedSeconds());
    }

    private static void row(StringBuilder b, String k, Object v) {
        b.append(String.format("%-30s %s%n", k, v));
    }
}
