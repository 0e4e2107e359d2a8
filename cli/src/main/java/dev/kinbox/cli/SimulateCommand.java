package dev.kinbox.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * The main job. The simulator module does not exist yet, so this says what the command will do and
 * exits with status 3 rather than pretending to run.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Simulate many accounts and devices with churn and faults, checking the invariants.")
final class SimulateCommand implements Callable<Integer> {
    static final int NOT_YET_AVAILABLE = 3;

    @Override
    public Integer call() {
        System.err.println("""
                kinbox simulate: not available yet.

                When the simulator lands it will, with no options, start an embedded IMAP server
                (GreenMail), run about 200 accounts with 2-5 devices each through churn and faults
                for about a minute, show progress, then print a summary table and write report.json
                and charts. Until then nothing is simulated; see README.md for what works today
                (kinbox bench ..., mvn -B verify).""");
        return NOT_YET_AVAILABLE;
    }
}
