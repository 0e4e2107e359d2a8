package dev.kinbox.cli.bench;

import java.util.List;

/** One benchmark that {@code kinbox bench <name>} can run. */
public interface BenchTarget {
    /** The name on the command line, e.g. {@code mailstore}. */
    String name();

    /** One line for {@code kinbox bench --help}. */
    String description();

    /**
     * Runs the benchmark and returns one result per measured subject (one per store for
     * {@code --store all}). Progress goes to {@link BenchContext#progress()}; figures only in the results.
     */
    List<BenchResult> run(BenchContext context) throws Exception;
}
