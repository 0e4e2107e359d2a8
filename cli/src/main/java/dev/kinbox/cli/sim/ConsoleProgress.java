package dev.kinbox.cli.sim;

import dev.kinbox.simulator.run.Progress;
import java.io.PrintStream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress on stderr: a progress bar with counters and ETA when stderr is a terminal, otherwise one
 * plain line per phase and at most one every {@code everyMillis} within it.
 */
public final class ConsoleProgress implements Progress, AutoCloseable {
    private final PrintStream err;
    private final boolean terminal;
    private final long everyNanos;
    private ProgressBar bar;
    private String phase = "";
    private long total;
    private long lastLine;

    public ConsoleProgress(PrintStream err, boolean terminal, long everyMillis) {
        this.err = err;
        this.terminal = terminal;
        this.everyNanos = everyMillis * 1_000_000L;
    }

    /** A terminal when the JVM has a console (stdin and stdout attached to one). */
    public static ConsoleProgress forStderr() {
        return new ConsoleProgress(System.err, System.console() != null, 5_000);
    }

    @Override public synchronized void phase(String name, long total) {
        closeBar();
        this.phase = name;
        this.total = total;
        if (terminal) {
            bar = new ProgressBarBuilder().setTaskName(name).setInitialMax(Math.max(1, total)).setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(err)).setUpdateIntervalMillis(500).build();
        } else {
            err.println("simulate: " + name + " (" + total + ")");
            lastLine = System.nanoTime();
        }
    }

    @Override public synchronized void update(long done, String counters) {
        if (bar != null) {
            bar.stepTo(Math.min(done, Math.max(1, total)));
            bar.setExtraMessage(counters);
        } else if (System.nanoTime() - lastLine >= everyNanos) {
            lastLine = System.nanoTime();
            err.println("simulate: " + phase + " " + done + "/" + total + ": " + counters);
        }
    }

    /** At once, also under a progress bar: the bar's line is erased first and the bar draws itself again on its next update. */
    @Override public synchronized void violation(String line) {
        err.println((bar != null ? "\r\u001b[2K" : "") + "simulate: " + line);
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    @Override public synchronized void close() { closeBar(); }
}
