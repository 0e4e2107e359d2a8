package dev.kinbox.cli.sim;

import dev.kinbox.simulator.workload.WorkloadOptions;
import picocli.CommandLine.Option;

/**
 * The fault options of {@code kinbox simulate}: dropped connections, server restarts, folder rebuilds, latency,
 * incoming mail with Autocrypt headers (a share of it group mail with gossip) and device clock skew, drifting and reset now and
 * then (docs/SIMULATOR.md, "Faults"). Dropped connections, incoming mail, clock skew and clock resets are on by default (measured: the default run
 * holds every invariant in about the same time), with {@code --cluster} too: the nodes carry every
 * fault as one JVM does (docs/SIMULATOR.md, "Across machines").
 */
public final class FaultArgs {
    static final double DROPS_PER_DAY = 4;
    static final double INCOMING_PER_DAY = 4;
    static final String MAX_CLOCK_SKEW = "1h";
    static final double CLOCK_RESETS_PER_DAY = 1;
    static final double GOSSIP_SHARE = 0.25;

    @Option(names = "--drops-per-day", description = "Dropped connections per device per simulated day (default: 4).")
    public Double dropsPerDay;

    @Option(names = "--restarts-per-day", description = {"Server restarts per account per simulated day: memory - the account's watches",
            "reconnect; greenmail, dovecot - the whole server stops and starts on the same port and data; with --cluster the",
            "account's node restarts its own store (default: 0)."})
    public Double restartsPerDay;

    @Option(names = "--rebuilds-per-day", description = {"Folder rebuilds per account per simulated day: the server comes back from a",
            "restore with one device's folder under a new UIDVALIDITY, its messages renumbered in another order, and every",
            "connection of the account drops; memory, greenmail, dovecot (not an existing imap:// server) (default: 0)."})
    public Double rebuildsPerDay;

    @Option(names = "--rebuild-loses", paramLabel = "N", description = {"How many of a rebuilt folder's newest messages the restore lacks",
            "(a backup older than them): entries, snapshots or marks the device uploaded last (default: 0)."})
    public Integer rebuildLoses;

    @Option(names = "--latency", description = "Mean delay of every mail store operation, real time, exponentially distributed (default: 0ms).")
    public String latency;

    @Option(names = "--incoming-per-day", description = "Incoming mails with an Autocrypt header per device per simulated day (default: 4).")
    public Double incomingPerDay;

    @Option(names = "--gossip-share", description = {"Share (0..1) of the incoming mails that are encrypted group mails with Autocrypt-Gossip",
            "for the other recipients; one in ten of those is damaged (undecryptable or malformed) (default: 0.25)."})
    public Double gossipShare;

    @Option(names = "--max-clock-skew", description = "Largest clock offset of a device, either way, simulated (default: 1h).")
    public String maxClockSkew;

    @Option(names = "--clock-resets-per-day", description = {"How often a device's clock is reset to a new offset within --max-clock-skew,",
            "forward or back (NTP stepping it, a user setting it), per simulated day; it drifts up to 1000 ppm in between;",
            "0: fixed offsets (default: " + CLOCK_RESETS_PER_DAY + ")."})
    public Double clockResetsPerDay;

    /** The faults, the same in one JVM and with {@code --cluster}; {@link IllegalArgumentException} for bad values. */
    public WorkloadOptions.Faults faults() {
        long latencyMs = SimArgs.duration("--latency", latency == null ? "0ms" : latency).toMillis();
        long skewMs = SimArgs.duration("--max-clock-skew", maxClockSkew == null ? MAX_CLOCK_SKEW : maxClockSkew).toMillis();
        double restarts = restartsPerDay == null ? 0 : restartsPerDay;
        WorkloadOptions.Faults f;
        try {
            f = new WorkloadOptions.Faults(dropsPerDay == null ? DROPS_PER_DAY : dropsPerDay, restarts,
                    incomingPerDay == null ? INCOMING_PER_DAY : incomingPerDay, latencyMs, skewMs, gossipShare == null ? GOSSIP_SHARE : gossipShare,
                    clockResetsPerDay == null ? CLOCK_RESETS_PER_DAY : clockResetsPerDay, rebuildsPerDay == null ? 0 : rebuildsPerDay,
                    rebuildLoses == null ? 0 : rebuildLoses);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--drops-per-day, --restarts-per-day, --incoming-per-day, --latency, --max-clock-skew, --gossip-share, "
                    + "--clock-resets-per-day, --rebuilds-per-day, --rebuild-loses: "
                    + e.getMessage(), e);
        }
        return f;
    }
}
