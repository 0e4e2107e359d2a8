package dev.kinbox.cli;

import picocli.CommandLine;

/** Entry point of the {@code kinbox} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return new CommandLine(new KinboxCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args);
    }
}
