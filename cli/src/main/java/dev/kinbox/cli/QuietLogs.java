package dev.kinbox.cli;

/**
 * Quiet logs for the simulator's commands: Pekko's start-up lines and GreenMail's traces (closed
 * sockets of devices stopping, a CREATE of a folder that exists) would bury the progress; warnings
 * are kept. Used by {@code kinbox simulate} and {@code kinbox bench simulate|pairing|idle} (whose devices
 * log their dead letters at shutdown), before any logger exists.
 */
public final class QuietLogs {
    private QuietLogs() {}

    /** Sets the log levels (unless given with -D) and turns GreenMail's dying connection threads into one line each. */
    public static void apply() {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.setProperty("org.slf4j.simpleLogger.log.com.icegreen", System.getProperty("org.slf4j.simpleLogger.log.com.icegreen", "off"));
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            // GreenMail's connection threads throw when a stopping device closes its socket mid-command: one line, not a trace
            if (t.getName().startsWith("imap:")) System.err.println("simulate: greenmail connection " + t.getName() + " ended: " + e.getMessage());
            else if (previous != null) previous.uncaughtException(t, e);
            else e.printStackTrace();
        });
    }
}
