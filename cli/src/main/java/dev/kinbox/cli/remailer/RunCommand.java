package dev.kinbox.cli.remailer;

import dev.kinbox.actors.remailer.Claims;
import dev.kinbox.actors.remailer.PostOutcome;
import dev.kinbox.actors.remailer.RemailerPipeline;
import dev.kinbox.actors.remailer.RemailerService;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.mail.ImapMailStore;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code kinbox remailer run --config FILE}: catches up with the other writers' journals, then watches
 * the list's inbox (IDLE) and sends through SMTP until SIGINT or SIGTERM; then it finishes the post in
 * hand, waits (at most 30 s) for its journal to reach the server and exits 0.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Serve the list until SIGINT or SIGTERM.")
final class RunCommand implements java.util.concurrent.Callable<Integer> {
    /** Stop signals of the runs in this JVM (the shutdown hook's, and {@link #stopAll} for tests). */
    private static final Set<CountDownLatch> RUNNING = new CopyOnWriteArraySet<>();

    @Spec CommandSpec spec;
    @Mixin ConfigOption config;

    @Override public Integer call() {
        return RemailerCommand.guarded(spec, this::serve);
    }

    private int serve() throws Exception {
        RemailerConfig c = config.load();
        Clock clock = Clock.systemUTC();
        PrintWriter err = spec.commandLine().getErr();
        RemailerPipeline pipeline = new RemailerPipeline(new Crypto(clock, new SecureRandom()), c.listKey(), clock);
        CountDownLatch stop = new CountDownLatch(1), stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(60, TimeUnit.SECONDS); // let the main thread shut down in order before the JVM exits
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "kinbox-remailer-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        RUNNING.add(stop);
        try (ListWriter w = ListWriter.open(c, ListWriter.Role.INSTANCE, clock); ImapMailStore inbox = ImapMailStore.connect(c.imap())) {
            w.node.sync(Duration.ofSeconds(60)); // know the roster before the first post
            try (RemailerService service = new RemailerService(inbox, c.folder(), Claims.of(c.list().listAddress(), c.claimLease(), clock),
                    c.smtp(), pipeline, w.node.state(), o -> report(err, o))) {
                service.start();
                err.println("kinbox remailer: serving " + c.list().listAddress() + " as instance " + w.id + " (admin " + c.adminId() + ")");
                err.flush();
                stop.await();
                err.println("kinbox remailer: stopping");
            }
            return 0;
        } finally {
            RUNNING.remove(stop);
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for 'stopped', counted down above
            }
        }
    }

    private static void report(PrintWriter err, PostOutcome o) {
        String what = o instanceof PostOutcome.Refused r ? "refused (" + r.reason() + ")"
                : o instanceof PostOutcome.Dropped d ? "dropped (" + d.reason() + ")" : o.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
        err.println("kinbox remailer: post " + what + ", " + o.outgoing().size() + " mails out");
        err.flush();
    }

    /** Stops every run in this JVM as SIGTERM would (for in-process tests). */
    static void stopAll() {
        for (CountDownLatch l : RUNNING) l.countDown();
    }
}
