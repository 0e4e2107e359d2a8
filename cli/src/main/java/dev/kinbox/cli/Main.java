package dev.kinbox.cli;

import java.util.Properties;
import picocli.CommandLine;

/** Entry point of the {@code kinbox} command. */
public final class Main {
    private Main() {}

    /** The JVM property that sets the common ForkJoinPool's parallelism. */
    static final String COMMON_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    public static void main(String[] args) {
        ensureCommonPool(System.getProperties(), Runtime.getRuntime().availableProcessors());
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return new CommandLine(new KinboxCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args);
    }

    /**
     * Gives the common pool at least 2 threads unless the user chose: with fewer (the default is one
     * less than the cores, so 1 on a 2-core machine) {@code CompletableFuture} runs every async callback
     * on a new thread - and the stages of Pekko's asks (Scala futures converted to Java) turn even
     * {@code thenApply} into an async callback. A 100,000-device simulation on 2 cores stalled with
     * every dispatcher thread in {@code Thread.start}. Must run before anything touches
     * {@code CompletableFuture}, which reads the setting once.
     */
    static void ensureCommonPool(Properties props, int cores) {
        if (props.getProperty(COMMON_PARALLELISM) == null && cores - 1 < 2) props.setProperty(COMMON_PARALLELISM, "2");
    }
}
