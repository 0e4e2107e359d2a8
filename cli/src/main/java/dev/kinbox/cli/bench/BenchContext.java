package dev.kinbox.cli.bench;

import dev.kinbox.journal.mail.servers.DovecotServer;
import java.io.PrintStream;
import java.util.List;
import java.util.OptionalInt;

/**
 * Options shared by all benchmark targets, parsed once by {@link BenchCommand}.
 *
 * @param store    {@code memory}, {@code greenmail}, {@code dovecot}, {@code all} or an {@code imap://} URL
 * @param devices  device count for targets that simulate several devices, if given
 * @param runs     measured repetitions per figure (the median is reported)
 * @param quick    smaller workloads, for smoke tests of the benchmark itself
 * @param progress where targets report what they are doing (stderr)
 * @param sizes    device counts for targets that run at growing sizes, if given (else the target's own)
 * @param timeLimit how long one size of such a target may run before it is reported as not reached
 */
public record BenchContext(String store, OptionalInt devices, int runs, boolean quick, PrintStream progress, List<Integer> sizes,
                           java.time.Duration timeLimit) {
    /** The default time limit of one size: half an hour. */
    public static final java.time.Duration TIME_LIMIT = java.time.Duration.ofMinutes(30);

    public BenchContext {
        if (runs < 1) throw new IllegalArgumentException("runs must be at least 1, got " + runs);
        sizes = List.copyOf(sizes);
        if (timeLimit == null || timeLimit.isNegative() || timeLimit.isZero()) throw new IllegalArgumentException("time limit must be positive");
    }

    /** As above, with the targets' own sizes and the default time limit. */
    public BenchContext(String store, OptionalInt devices, int runs, boolean quick, PrintStream progress) {
        this(store, devices, runs, quick, progress, List.of(), TIME_LIMIT);
    }

    /**
     * The store specs to measure: {@link #store()} itself, or for {@code all} memory, GreenMail and
     * Dovecot, leaving Dovecot out (and saying so on {@link #progress()}) where it is not installed.
     */
    public List<String> storeSpecs(String target) {
        if (!store.equals("all")) return List.of(store);
        if (DovecotServer.isInstalled()) return List.of("memory", "greenmail", "dovecot");
        progress.println(target + ": skipped: dovecot not installed");
        return List.of("memory", "greenmail");
    }
}
