package dev.kinbox.cli;

import dev.kinbox.cli.sim.ClusterArgs;
import dev.kinbox.cli.sim.ConsoleProgress;
import dev.kinbox.cli.sim.FaultArgs;
import dev.kinbox.cli.sim.SimArgs;
import dev.kinbox.cli.sim.Summary;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.simulator.cluster.ClusterFleet;
import dev.kinbox.simulator.cluster.ClusterNode;
import dev.kinbox.simulator.cluster.ClusterSettings;
import dev.kinbox.simulator.fleet.AccountStores;
import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.fleet.FleetFaults;
import dev.kinbox.simulator.fleet.GossipCounts;
import dev.kinbox.simulator.fleet.Roster;
import dev.kinbox.simulator.fleet.HostedFleet;
import dev.kinbox.simulator.fleet.ImapAccounts;
import dev.kinbox.simulator.report.Charts;
import dev.kinbox.simulator.report.HtmlReport;
import dev.kinbox.simulator.report.ReportJson;
import dev.kinbox.simulator.run.RunOptions;
import dev.kinbox.simulator.run.RunResult;
import dev.kinbox.simulator.run.Runner;
import dev.kinbox.simulator.run.VirtualClock;
import dev.kinbox.simulator.workload.Schedule;
import dev.kinbox.simulator.workload.Workload;
import dev.kinbox.simulator.workload.WorkloadOptions;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The main job: runs a seeded workload of device churn and edits against real MUAA actors, all
 * hosted in one ActorSystem ({@link HostedFleet}) or, with {@code --cluster}, spread over the JVMs of a
 * Pekko cluster ({@link ClusterFleet}), then checks the invariants and writes report.json,
 * charts and an HTML page.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Simulate accounts whose devices join, leave, crash, go offline and edit, running the real MUAA actors,",
                "then check that every account converged and no acknowledged edit was lost.",
                "Exit status: 0 all checked invariants hold, 1 an invariant failed or a step could not be carried out, 2 bad options.",
                "All devices run in one ActorSystem (each hosted by the journal runtime, its MUAA a child of one supervisor), with snapshots",
                "every 50 events, so each account's mailbox stays bounded (checked). With --hostile-per-day the provider forges,",
                "injects, alters, replays and deletes entries, notices and announcements, and no device may ever apply a forgery",
                "or believe a forged notice (checked).",
                "Every run writes a trace (seed, schedule outcomes, each device's journal and final digest) for 'kinbox replay'.",
                "With --cluster the accounts are sharded over the nodes of a Pekko cluster (other JVMs run --cluster --join).",
                "What is and is not built yet (scale, recovery of a lost cluster node, ...): docs/SIMULATOR.md."})
final class SimulateCommand implements Callable<Integer> {
    static final int INVARIANT_FAILED = 1;
    /** An existing server's accounts cannot be used (a login failed, or SMA folders are left and --wipe-store is off); as a bad option. */
    static final int SET_UP_FAILED = 2;

    @Spec CommandSpec spec;

    @Option(names = "--accounts", description = {"Accounts (default: ${DEFAULT-VALUE}; with the other defaults about a minute on 2 cores,",
            "see docs/SIMULATOR.md for larger and longer runs)."}, defaultValue = "200")
    int accounts;

    @Option(names = "--devices-per-account", paramLabel = "N|MIN-MAX|N:W,...", description = {"Devices per account at the start, and most at once:",
            "a count, a range drawn uniformly, or counts with relative weights such as 2:40,3:30,4:20,5:10 (default: ${DEFAULT-VALUE})."},
            defaultValue = "2-5")
    String devices;

    @Option(names = "--duration", description = "Real time the schedule spans, before settling (default: ${DEFAULT-VALUE}).", defaultValue = "10s")
    String duration;

    @Option(names = "--time-scale", description = "Simulated seconds per real second (default: ${DEFAULT-VALUE}, one simulated hour per second).",
            defaultValue = "3600")
    double timeScale;

    @Option(names = "--seed", description = "Workload seed (default: random, printed).")
    Long seed;

    @Option(names = "--store", description = {"memory, greenmail (an embedded IMAP server), dovecot (a throw-away Dovecot on loopback, from the installed binary),",
            "or an existing server with one pre-created user per account: imap://USER@HOST:PORT[?tls=none|starttls|tls], {n} in USER",
            "standing for the account's number (imap://sim{n}@127.0.0.1:143: sim0, sim1, ...), the users' one password from",
            "KINBOX_IMAP_PASSWORD or the file named by KINBOX_IMAP_PASSWORD_FILE (default: ${DEFAULT-VALUE})."},
            defaultValue = "greenmail")
    String store;

    @Option(names = "--wipe-store", description = {"With imap://: delete the SMA folders (_Autocrypt_SMA*) an earlier run left in the users' accounts",
            "before this run (without it such folders stop the run, exit 2). Nothing else in the accounts is touched."})
    boolean wipeStore;

    @Option(names = "--report", description = "report.json path (default: ${DEFAULT-VALUE}).", defaultValue = "kinbox-simulation/report.json")
    Path report;

    @Option(names = "--plots", description = "Directory for the PNG charts and report.html (default: ${DEFAULT-VALUE}).", defaultValue = "kinbox-simulation")
    Path plots;

    @Option(names = "--trace", paramLabel = "FILE", description = "Where the trace goes, to replay with 'kinbox replay' (default: trace.kbt next to the report).")
    Path trace;

    @Option(names = "--no-trace", description = "Record no trace (large runs: it holds every device's journal).")
    boolean noTrace;

    @Option(names = "--edits-per-day", description = "Edits per device per simulated day (default: ${DEFAULT-VALUE}).", defaultValue = "2")
    double editsPerDay;

    @Option(names = "--edit-mix", paramLabel = "S:C:F", description = {"Relative weights of the edits: setting changes, new contacts,",
            "contact field changes (a field change while the account has no contact creates one) (default: ${DEFAULT-VALUE})."},
            defaultValue = "5:2:3")
    String editMix;

    @Option(names = "--joins-per-day", description = "New devices per account per simulated day (default: ${DEFAULT-VALUE}).", defaultValue = "0.5")
    double joinsPerDay;

    @Option(names = "--leaves-per-day", description = {"Devices leaving for good per account per simulated day: each reads its siblings'",
            "folders, retires itself and stops once its edits are uploaded (default: ${DEFAULT-VALUE})."}, defaultValue = "0.3")
    double leavesPerDay;

    @Option(names = "--abandons-per-day", description = {"Devices put away for good without leaving per account per simulated day: each",
            "stops once its edits are uploaded and stays in the account until its siblings retire it, silent past",
            "--expire-after (default: ${DEFAULT-VALUE})."}, defaultValue = "0")
    double abandonsPerDay;

    @Option(names = "--abandoned-returns", description = {"Share (0..1) of abandoned devices switched on again: half of them within half of",
            "--expire-after (they carry on), half late, after 1.25 to 1.75 times it: retired by then, each must learn so at its",
            "start and change nothing in the account, not even its deleted folder (default: ${DEFAULT-VALUE})."},
            defaultValue = "0")
    double abandonedReturns;

    @Option(names = "--crashes-per-day", description = "Crash-restarts per device per simulated day (default: ${DEFAULT-VALUE}).", defaultValue = "0.5")
    double crashesPerDay;

    @Option(names = "--offline-per-day", description = "Offline spells per device per simulated day (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    double offlinePerDay;

    @Option(names = "--max-offline", description = "Longest offline spell, simulated (default: ${DEFAULT-VALUE}).", defaultValue = "6h")
    String maxOffline;

    @Option(names = "--hostile-per-day", description = {"Hostile provider acts per account per simulated day: forge, inject, alter, replay or",
            "delete an entry in a device's folder, forge or delete a retirement notice naming a device, or alter, replay",
            "or delete its announcement; on a server through an IMAP session of the account's own (default: ${DEFAULT-VALUE})."},
            defaultValue = "0")
    double hostilePerDay;

    @Option(names = "--removals-per-day", description = {"Forced removals per account per simulated day: a running device removes another",
            "(with --cluster on the account's node) (default: ${DEFAULT-VALUE})."}, defaultValue = "0.3")
    double removalsPerDay;

    @Option(names = "--rotate-key-on-removal", description = {"Every account turns on key rotation on removal (the account setting",
            "kinbox.rotate-key-on-removal) with its first step: each removal or expiry then gives the remaining devices a new account key."})
    boolean rotateKey;

    @Option(names = "--expire-after", description = {"Simulated silence after which a device's siblings retire it; at least (--max-offline + 2h + 2 x --max-clock-skew) x 4/3,",
            "so no device expires in an offline spell; with --cluster every node's devices (default: ${DEFAULT-VALUE})."}, defaultValue = "30d")
    String expireAfter;

    @Option(names = "--settle", description = "Longest wait for convergence after the last step (default: ${DEFAULT-VALUE}).", defaultValue = "30s")
    String settle;

    @Option(names = "--stop-on-violation", description = {"Stop carrying out steps at the first invariant violation seen during the run",
            "(open crash and offline spells are still closed), then settle, check and write the report and trace as usual."})
    boolean stopOnViolation;

    @Option(names = "--max-steps", description = "Refuse schedules longer than this (default: ${DEFAULT-VALUE}).", defaultValue = "20000")
    int maxSteps;

    @Mixin ClusterArgs cluster;

    @Mixin FaultArgs faultArgs;

    /** Where the IMAP password of an imap:// store comes from; tests set their own. */
    Map<String, String> env = System.getenv();

    /** Tests wrap the fleet (e.g. in a {@code LosingFleet}) to prove a broken invariant is reported. */
    UnaryOperator<Fleet> fleetDecorator = UnaryOperator.identity();

    @Override
    public Integer call() throws Exception {
        QuietLogs.apply();
        WorkloadOptions wo;
        RunOptions ro;
        HostedFleet.Options fleetOptions;
        long s = seed != null ? seed : new SecureRandom().nextLong();
        ClusterSettings clustered;
        try {
            clustered = cluster.settings(env);
            AccountStores.check(store, env);
            if (wipeStore && !ImapAccounts.isSpec(store)) throw new IllegalArgumentException("--wipe-store is for --store imap://... only");
            Duration expiry = SimArgs.duration("--expire-after", expireAfter);
            WorkloadOptions.Faults faults = faultArgs.faults();
            if (faults.rebuildsPerDay() > 0 && ImapAccounts.isSpec(store)) {
                throw new IllegalArgumentException("--rebuilds-per-day needs a server the simulator runs (--store memory, greenmail or dovecot): "
                        + "an existing server is not its to restore");
            }
            // two skewed clocks (the silent device's and its sibling's) may stretch a silence by twice the largest skew
            Duration minExpiry = SimArgs.duration("--max-offline", maxOffline).plusHours(2).plusMillis(2 * faults.maxSkewMillis())
                    .multipliedBy(4).dividedBy(3);
            if (expiry.compareTo(minExpiry) < 0) {
                throw new IllegalArgumentException("--expire-after must be at least (--max-offline + 2h + 2 x --max-clock-skew) x 4/3 = "
                        + minExpiry.toMinutes() + " minutes: a device offline that long must not expire");
            }
            fleetOptions = HostedFleet.Options.forStore(store).withExpireAfter(expiry);
            SimArgs.Devices r = SimArgs.devices("--devices-per-account", devices);
            Duration real = SimArgs.duration("--duration", duration);
            if (real.toMillis() < 100 || real.toHours() > 24) throw new IllegalArgumentException("--duration must be 100ms..24h");
            ro = new RunOptions(timeScale, SimArgs.duration("--settle", settle), Duration.ofMillis(100), stopOnViolation);
            fleetOptions = fleetOptions.scaledTo(Math.max(1, accounts * r.max()), timeScale); // periodic work per device shrinks as the fleet grows
            Duration period = Duration.ofMillis(Math.max(1, (long) (real.toMillis() * timeScale)));
            if (trace != null && java.nio.file.Files.isDirectory(trace)) throw new IllegalArgumentException("--trace must name a file, not a directory");
            wo = new WorkloadOptions(accounts, r.min(), r.max(), period, editsPerDay, joinsPerDay, leavesPerDay, crashesPerDay, offlinePerDay,
                    SimArgs.duration("--max-offline", maxOffline), hostilePerDay, maxSteps, removalsPerDay, faults, r.weights(), rotateKey,
                    SimArgs.editMix("--edit-mix", editMix), abandonsPerDay, abandonedReturns, abandonedReturns > 0 ? expiry : Duration.ZERO);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (cluster.join) return ClusterArgs.join(clustered);
        Schedule schedule;
        try {
            schedule = Workload.generate(s, wo);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        System.err.println("simulate: seed " + s + ", " + accounts + " accounts, " + devices + " devices each, " + schedule.steps().size()
                + " steps " + schedule.counts() + " over " + wo.period().toHours() + " simulated hours, store " + store);
        if (ImapAccounts.isSpec(store)) {
            try {
                int wiped = ImapAccounts.parse(store, env).prepare(accounts, wipeStore);
                if (wiped > 0) System.err.println("simulate: deleted " + wiped + " SMA folders an earlier run left (--wipe-store)");
            } catch (IllegalStateException e) {
                System.err.println("simulate: " + e.getMessage());
                return SET_UP_FAILED;
            }
        }
        Path traceFile = noTrace ? null : trace != null ? trace : report.toAbsolutePath().resolveSibling("trace.kbt");
        if (traceFile != null) java.nio.file.Files.deleteIfExists(traceFile); // a stale trace must not pass for this run's
        RunResult result;
        try (ConsoleProgress progress = ConsoleProgress.forStderr()) {
            progress.phase("keys", (long) accounts * wo.slotsPerAccount());
            Roster roster = Roster.generate(accounts, wo.slotsPerAccount(), "sim.kinbox.invalid", Crypto.standard());
            // held at its origin through the setup, started with the first step (Runner.drivingClock); on a cluster every
            // node's clock follows it (ClusterFleet.clockStarted, clockFrozen)
            VirtualClock clock = VirtualClock.held(Instant.now(), timeScale, System::nanoTime);
            FleetFaults faults = FleetFaults.of(s, wo.faults(), Crypto.standard()); // before the store: it generates the peers' keys
            try (Fleet fleet = fleetDecorator.apply(clustered == null
                    ? new HostedFleet(roster, AccountStores.open(store, new SecureRandom(), env), clock, fleetOptions, faults)
                    : ClusterFleet.open(ClusterNode.start(clustered), cluster.nodes, roster, store, clock, fleetOptions,
                            faults))) {
                Runner runner = new Runner(fleet, ro, progress, traceFile);
                // the devices' clock starts with the first step and stops after the last, so the settle finds every account
                // quiet (daily activity refreshes every 24 real seconds at 3600x kept a sibling mid-replication at the final
                // check now and then); a cluster's nodes start and freeze theirs with it
                runner.drivingClock(clock);
                result = runner.run(schedule, store);
            } catch (Fleet.FleetException | ClusterNode.ClusterUnavailable e) {
                System.err.println("simulate: " + e.getMessage());
                return INVARIANT_FAILED;
            }
        }
        Optional<Path> written = Optional.ofNullable(traceFile).filter(java.nio.file.Files::exists);
        ReportJson.write(result, report, written);
        Map<String, byte[]> pngs = Charts.render(result);
        Charts.write(pngs, plots);
        Path html = HtmlReport.write(result, pngs, plots.resolve("report.html"), written);
        System.out.print(Summary.table(result, written));
        GossipCounts gossip = result.gossip();
        if (gossip.delivered() + gossip.unsent() > 0) {
            System.out.println("gossip mail: " + gossip.delivered() + " delivered, " + gossip.opened() + " opened, " + gossip.undecryptable()
                    + " undecryptable, " + gossip.refused() + " refused as malformed, " + gossip.unsent() + " not sent (no account key)");
        }
        System.out.println("report: " + report + ", charts and page: " + html);
        return result.ok() ? 0 : INVARIANT_FAILED;
    }
}
