package dev.kinbox.cli.sim;

import dev.kinbox.simulator.workload.WorkloadOptions;
import picocli.CommandLine.Option;

/**
 * The fault options of {@code kinbox simulate}: dropped connections, server restarts, latency,
 * incoming mail with Autocrypt headers and device clock skew (docs/SIMULATOR.md, "Faults").
 */
public final class FaultArgs {
    @Option(names = "--drops-per-day", description = "Dropped connections per device per simulated day (default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    public double dropsPerDay;

    @Option(names = "--restarts-per-day", description = {"Server restarts per account per simulated day: memory - the account's watches",
            "reconnect; dovecot - its connections are kicked; not on greenmail (default: ${DEFAULT-VALUE})."}, defaultValue = "0")
    public double restartsPerDay;

    @Option(names = "--latency", description = "Mean delay of every mail store operation, real time, exponentially distributed (default: ${DEFAULT-VALUE}).",
            defaultValue = "0ms")
    public String latency;

    @Option(names = "--incoming-per-day", description = "Incoming mails with an Autocrypt header per device per simulated day (default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    public double incomingPerDay;

    @Option(names = "--max-clock-skew", description = "Largest clock offset of a device, either way, simulated (default: ${DEFAULT-VALUE}).",
            defaultValue = "0s")
    public String maxClockSkew;

    /** The faults; {@link IllegalArgumentException} for bad values or a combination that is not built. */
    public WorkloadOptions.Faults faults(String store, boolean clustered) {
        long latencyMs = SimArgs.duration("--latency", latency).toMillis();
        long skewMs = SimArgs.duration("--max-clock-skew", maxClockSkew).toMillis();
        WorkloadOptions.Faults f;
        try {
            f = new WorkloadOptions.Faults(dropsPerDay, restartsPerDay, incomingPerDay, latencyMs, skewMs);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--drops-per-day, --restarts-per-day, --incoming-per-day, --latency, --max-clock-skew: " + e.getMessage(), e);
        }
        if (restartsPerDay != 0 && store.equals("greenmail")) {
            throw new IllegalArgumentException("--restarts-per-day is not built for --store greenmail (use memory or dovecot)");
        }
        if (clustered && !f.equals(WorkloadOptions.Faults.NONE)) {
            throw new IllegalArgumentException("the fault options are not available with --cluster yet (they work in one JVM)");
        }
        return f;
    }
}
