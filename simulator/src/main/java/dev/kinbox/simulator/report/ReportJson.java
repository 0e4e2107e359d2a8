package dev.kinbox.simulator.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinbox.simulator.run.FirstViolation;
import dev.kinbox.simulator.run.RunResult;
import dev.kinbox.simulator.run.Violation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code report.json}: the keys of issue 7 that this simulator fills honestly, the invariant results,
 * violations, and what was not checked (with why). Format in {@code docs/SIMULATOR.md}.
 */
public final class ReportJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Invariants of the issue this run does not check yet, with the reason. */
    static final List<String[]> NOT_CHECKED = List.of();

    /** Invariants also checked during the run, at every sample or mailbox count (the others hold only after quiescence). */
    static final List<String> CHECKED_DURING_RUN = dev.kinbox.simulator.run.Runner.CHECKED_DURING_RUN;

    private ReportJson() {}

    public static ObjectNode of(RunResult r) {
        return of(r, Optional.empty());
    }

    /** As {@link #of(RunResult)}, with the path of the run's trace ({@code trace}, and per violation the {@code replay} command). */
    public static ObjectNode of(RunResult r, Optional<Path> trace) {
        ObjectNode o = JSON.createObjectNode();
        o.put("seed", r.seed());
        o.put("store", r.store());
        o.put("accounts", r.accounts());
        o.put("devices_peak", r.devicesPeak());
        o.put("devices_started", r.devicesStarted());
        o.put("devices_paired_peak", r.devicesPairedPeak());
        o.put("events_applied", r.eventsApplied());
        o.put("converged", r.check().converged());
        o.put("divergent_devices", r.check().divergentDevices());
        o.put("lost_edits", r.check().lostEdits());
        o.put("forged_applied", r.check().forgedApplied());
        o.put("withheld_missing", r.check().withheldMissing());
        o.put("retired_missing", r.check().retiredMissing());
        o.put("devices_retired", r.check().retiredDevices());
        o.put("left_unconfirmed_missing", r.check().leftMissing());
        o.put("restored_away_missing", r.check().restoredMissing());
        ObjectNode lag = o.putObject("convergence_lag_ms");
        lag.put("p50", r.lagP50Ms());
        lag.put("p99", r.lagP99Ms());
        lag.put("max", r.lagMaxMs());
        lag.put("unresolved", r.lagUnresolved());
        o.put("store_messages_per_account_max", r.storeMessagesPerAccountMax());
        o.put("store_journal_messages_per_account_max", r.storeJournalMax());
        o.put("store_drops_per_account_max", r.storeDropsMax());
        o.put("store_bound", r.storeBound());
        o.put("imap_ops", r.storeOps());
        o.set("hostile_acts", JSON.valueToTree(new TreeMap<>(r.hostileActs())));
        o.put("folder_rebuilds", r.folderRebuilds());
        o.put("folders_repaired", r.refusals().foldersRepaired());
        o.put("audit_repairs", r.refusals().auditRepairs());
        ObjectNode ref = o.putObject("journal_refusals");
        ref.put("untrusted", r.refusals().untrusted());
        ref.put("malformed", r.refusals().malformed());
        ref.put("replayed", r.refusals().replayed());
        ref.put("gaps", r.refusals().gaps());
        ref.put("passed_over", r.refusals().passedOver());
        ObjectNode sma = o.putObject("announcement_refusals");
        sma.put("refused", r.refusals().announcementsRefused());
        sma.put("impostors_deleted", r.refusals().impostorsDeleted());
        ObjectNode gossip = o.putObject("gossip_mail");
        gossip.put("delivered", r.gossip().delivered());
        gossip.put("opened", r.gossip().opened());
        gossip.put("undecryptable", r.gossip().undecryptable());
        gossip.put("refused", r.gossip().refused());
        gossip.put("unsent", r.gossip().unsent());
        o.put("wall_seconds", round(r.wallSeconds()));
        o.put("settle_seconds", round(r.settleSeconds()));
        ObjectNode pace = o.putObject("pacing");
        if (r.pacing().boundMillis() < 0) pace.putNull("lag_bound_ms");
        else pace.put("lag_bound_ms", r.pacing().boundMillis());
        pace.put("max_lag_ms", r.pacing().maxLagMillis());
        pace.put("slowdowns", r.pacing().slowdowns());
        pace.put("slowed_seconds", round(r.pacing().slowedSeconds()));
        o.put("peak_heap_bytes", r.peakHeapBytes());
        o.put("acked_edits", r.ackedEdits());
        o.put("unacked_edits", r.unackedEdits());
        o.put("step_errors", r.stepErrors());
        o.set("steps", JSON.valueToTree(new TreeMap<>(r.steps())));
        ObjectNode per = o.putObject("per_device");
        per.put("start_ms", round(r.startMsPerDevice()));
        per.put("heap_bytes", r.heapBytesPerDevice());
        per.put("threads", round(r.threadsPerDevice()));
        ObjectNode inv = o.putObject("invariants");
        inv.put("converged", r.check().converged());
        inv.put("no_lost_edits", r.check().lostEdits() == 0);
        inv.put("own_edits_ordered", r.check().ownEditsOrdered());
        inv.put("store_bounded", r.check().storeBounded());
        inv.put("no_forged_applied", r.check().forgedApplied() == 0);
        inv.put("silent_devices_retired", r.check().silentRetired());
        inv.put("all_steps_executed", r.stepErrors() == 0);
        o.set("checked_during_run", JSON.valueToTree(CHECKED_DURING_RUN));
        ObjectNode first = o.putObject("first_violations");
        for (FirstViolation f : r.firstViolations()) {
            ObjectNode x = first.putObject(f.invariant());
            x.put("seconds", round(f.seconds()));
            x.put("phase", f.phase());
            if (f.violation().accountId().isEmpty()) x.putNull("account");
            else x.put("account", f.violation().accountId());
            x.set("devices", JSON.valueToTree(f.violation().devices()));
            x.put("detail", f.violation().detail());
        }
        if (r.stoppedAtSeconds() < 0) {
            o.putNull("stopped_early");
        } else {
            ObjectNode stop = o.putObject("stopped_early");
            stop.put("seconds", round(r.stoppedAtSeconds()));
            stop.put("steps_not_run", r.stepsNotRun());
        }
        ObjectNode not = o.putObject("not_checked");
        for (String[] n : NOT_CHECKED) not.put(n[0], n[1]);
        ArrayNode vs = o.putArray("violations");
        for (Violation v : r.check().violations()) {
            ObjectNode x = vs.addObject();
            x.put("invariant", v.invariant());
            x.put("account", v.accountId());
            x.set("devices", JSON.valueToTree(v.devices()));
            x.set("missing_dots", JSON.valueToTree(v.missingDots()));
            x.put("detail", v.detail());
            trace.ifPresent(t -> x.put("replay", replayCommand(t, v.accountId())));
        }
        if (trace.isPresent()) o.put("trace", trace.get().toString());
        else o.putNull("trace");
        o.set("notes", JSON.valueToTree(r.notes()));
        return o;
    }

    public static void write(RunResult r, Path file) throws IOException {
        write(r, file, Optional.empty());
    }

    public static void write(RunResult r, Path file, Optional<Path> trace) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        JSON.writeValue(file.toFile(), of(r, trace));
    }

    /** The command that shows the timelines of {@code accountId}'s devices in {@code trace}; for a run-wide violation (no account), its devices. */
    public static String replayCommand(Path trace, String accountId) {
        return "kinbox replay " + trace + (accountId.isEmpty() ? "" : " --account " + accountId);
    }

    static double round(double x) { return Math.round(x * 1000) / 1000.0; }
}
