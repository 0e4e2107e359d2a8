package dev.kinbox.cli.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kinbox bench <target>}: runs one benchmark, prints a table and writes the figures as JSON. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure a part of Kinbox; prints a table and writes JSON (see docs/BENCHMARKS.md).")
public final class BenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TARGET", description = "What to measure: ${COMPLETION-CANDIDATES}",
            completionCandidates = TargetNames.class)
    String target;

    @Option(names = "--store", paramLabel = "STORE", defaultValue = "memory",
            description = "memory | greenmail | dovecot | all | imap://USER@HOST:PORT "
                    + "(password from KINBOX_IMAP_PASSWORD or KINBOX_IMAP_PASSWORD_FILE). Default: ${DEFAULT-VALUE}")
    String store;

    @Option(names = "--report", paramLabel = "FILE", description = "Where to write the JSON (default: bench-TARGET.json).")
    Path report;

    @Option(names = "--devices", paramLabel = "N", description = "Device count, for targets that use several devices.")
    Integer devices;

    @Option(names = "--sizes", paramLabel = "N,N,...", split = ",",
            description = "Device counts, for targets that run at growing sizes (simulate: e.g. 1000,10000,100000).")
    List<Integer> sizes;

    @Option(names = "--time-limit", paramLabel = "DURATION", defaultValue = "30m",
            description = "How long one size may run (simulate) before it is reported as not reached: e.g. 90s, 30m, 2h. Default: ${DEFAULT-VALUE}")
    String timeLimit;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "5",
            description = "Measured runs per figure; the median is reported. Default: ${DEFAULT-VALUE}")
    int runs;

    @Option(names = "--quick", description = "Small workloads: checks the benchmark works, figures are not meaningful.")
    boolean quick;

    @Override
    public Integer call() throws Exception {
        BenchTarget t = BenchTargets.byName(target).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "Unknown target '" + target + "'; known: " + String.join(", ", new TargetNames())));
        if (runs < 1) throw new ParameterException(spec.commandLine(), "--runs must be at least 1");
        if (devices != null && devices < 1) throw new ParameterException(spec.commandLine(), "--devices must be at least 1");
        if (sizes != null && sizes.stream().anyMatch(n -> n == null || n < 1)) {
            throw new ParameterException(spec.commandLine(), "--sizes must be positive device counts, e.g. 1000,10000");
        }
        java.time.Duration limit;
        try {
            limit = dev.kinbox.cli.sim.SimArgs.duration("--time-limit", timeLimit);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (limit.isZero() || limit.isNegative()) throw new ParameterException(spec.commandLine(), "--time-limit must be positive");
        BenchContext ctx = new BenchContext(store, devices == null ? OptionalInt.empty() : OptionalInt.of(devices),
                runs, quick, System.err, sizes == null ? List.of() : sizes, limit);
        List<BenchResult> results;
        try {
            results = t.run(ctx);
        } catch (IllegalArgumentException e) { // a target's own check of the options (--devices 1 for replication)
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        BenchReport rep = new BenchReport(t.name(), results);
        rep.printTable(System.out);
        Path file = report != null ? report : Path.of("bench-" + t.name() + ".json");
        rep.writeJson(file);
        System.out.println("JSON written to " + file.toAbsolutePath());
        return 0;
    }

    /** Target names for help text and completion. */
    static final class TargetNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return BenchTargets.all().stream().map(BenchTarget::name).collect(Collectors.toList()).iterator();
        }
    }
}
