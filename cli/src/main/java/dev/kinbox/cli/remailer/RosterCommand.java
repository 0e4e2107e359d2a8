package dev.kinbox.cli.remailer;

import dev.kinbox.actors.remailer.ListLog;
import dev.kinbox.actors.remailer.RemailerPipeline;
import dev.kinbox.actors.remailer.Subscriber;
import dev.kinbox.crypto.Crypto;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code kinbox remailer roster --config FILE}: as the admin writer, reads every writer's journal and
 * prints one line per known address: address, state, key fingerprint ({@code -} for none), whether
 * the list can encrypt to it now; then the {@code N/M} count of the list header.
 */
@Command(name = "roster", mixinStandardHelpOptions = true, description = "Print the subscribers: address, state, key fingerprint, usable.")
final class RosterCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;

    @Override public Integer call() {
        return RemailerCommand.guarded(spec, () -> {
            RemailerConfig c = config.load();
            Clock clock = Clock.systemUTC();
            RemailerPipeline pipeline = new RemailerPipeline(new Crypto(clock, new SecureRandom()), c.listKey(), clock);
            try (ListWriter w = ListWriter.open(c, ListWriter.Role.ADMIN, clock)) {
                ListLog log = w.node.sync(Duration.ofSeconds(60));
                PrintWriter out = spec.commandLine().getOut();
                out.printf("%-40s %-12s %-40s %s%n", "ADDRESS", "STATE", "FINGERPRINT", "USABLE");
                for (Subscriber s : log.roster().subscribers().values()) {
                    String fp = s.key().isPresent() ? s.fingerprint() : "-";
                    out.printf("%-40s %-12s %-40s %s%n", s.addr(), s.status().name().toLowerCase(java.util.Locale.ROOT), fp,
                            pipeline.usable(s) ? "yes" : "no");
                }
                out.println(log.roster().withKeys() + "/" + log.roster().active().size() + " subscribers with keys");
                return 0;
            }
        });
    }
}
