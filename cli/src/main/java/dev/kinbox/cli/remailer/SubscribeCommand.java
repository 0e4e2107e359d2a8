package dev.kinbox.cli.remailer;

import dev.kinbox.actors.remailer.ListLog;
import dev.kinbox.actors.remailer.RosterEvent;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kinbox remailer subscribe --config FILE ADDRESS}: as the admin writer, reads the other
 * writers' journals, records the subscription and waits until it is on the server.
 */
@Command(name = "subscribe", mixinStandardHelpOptions = true, description = "Add ADDRESS to the list.")
class SubscribeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;
    @Parameters(index = "0", paramLabel = "ADDRESS", description = "the subscriber's mail address") String address;

    boolean subscribe() {
        return true;
    }

    @Override public Integer call() {
        return RemailerCommand.guarded(spec, () -> {
            String addr = canonical(address);
            RemailerConfig c = config.load();
            Clock clock = Clock.systemUTC();
            try (ListWriter w = ListWriter.open(c, ListWriter.Role.ADMIN, clock)) {
                ListLog log = w.node.sync(Duration.ofSeconds(60));
                boolean now = log.roster().isSubscribed(addr);
                if (now == subscribe()) {
                    spec.commandLine().getOut().println(addr + " is already " + (now ? "subscribed" : "not subscribed"));
                    return 0;
                }
                RosterEvent e = subscribe() ? new RosterEvent.SubscriberAdded(addr, clock.instant()) : new RosterEvent.SubscriberRemoved(addr, clock.instant());
                w.node.state().record(List.of(e), null);
                if (!w.node.awaitUploaded(Duration.ofSeconds(60))) {
                    spec.commandLine().getErr().println("kinbox remailer: recorded locally, not yet on the server; the next admin command uploads it");
                    return RemailerCommand.FAILED;
                }
                spec.commandLine().getOut().println((subscribe() ? "subscribed " : "unsubscribed ") + addr);
                return 0;
            }
        });
    }

    private static String canonical(String a) throws ConfigException {
        try {
            InternetAddress ia = new InternetAddress(a, true);
            if (ia.getPersonal() != null || !a.strip().equals(ia.getAddress()) || !a.contains("@")) throw new AddressException("not a bare address");
            return ia.getAddress().toLowerCase(Locale.ROOT);
        } catch (AddressException e) {
            throw new ConfigException.Invalid("ADDRESS", "'" + a + "' is not a mail address (local@domain)");
        }
    }

    /** {@code kinbox remailer unsubscribe --config FILE ADDRESS}. */
    @Command(name = "unsubscribe", mixinStandardHelpOptions = true, description = "Remove ADDRESS from the list (its key is kept).")
    static final class Unsubscribe extends SubscribeCommand {
        @Override boolean subscribe() {
            return false;
        }
    }
}
