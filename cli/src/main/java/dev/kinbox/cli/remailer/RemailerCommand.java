package dev.kinbox.cli.remailer;

import dev.kinbox.actors.remailer.RemailerException;
import dev.kinbox.journal.mail.MailStoreException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kinbox remailer}: run an Autocrypt list ({@code run}) and administer its roster
 * ({@code subscribe}, {@code unsubscribe}, {@code roster}). Admin commands write as their own writer
 * (the config's {@code admin-key-file}), never under the running instance's persistence id, so they
 * may run while {@code run} is live. Exit codes: 0 done, 1 failed at run time, 2 bad configuration or
 * arguments (nothing started).
 */
@Command(name = "remailer", mixinStandardHelpOptions = true,
        description = "An Autocrypt mailing list that re-encrypts each post to every subscriber.",
        subcommands = {RunCommand.class, SubscribeCommand.class, SubscribeCommand.Unsubscribe.class, RosterCommand.class})
public final class RemailerCommand implements Runnable {
    static final int FAILED = 1;
    static final int BAD_CONFIG = 2;

    @Spec CommandSpec spec;

    @Override public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand");
    }

    /** Runs {@code body}, turning the typed failures into a one-line message and an exit code. */
    static int guarded(CommandSpec spec, Callable<Integer> body) {
        try {
            return body.call();
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("kinbox remailer: " + e.getMessage());
            return BAD_CONFIG;
        } catch (MailStoreException | RemailerException e) {
            spec.commandLine().getErr().println("kinbox remailer: " + e.getMessage());
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            spec.commandLine().getErr().println("kinbox remailer: interrupted");
            return FAILED;
        } catch (Exception e) {
            spec.commandLine().getErr().println("kinbox remailer: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return FAILED;
        } finally {
            spec.commandLine().getErr().flush();
            spec.commandLine().getOut().flush();
        }
    }
}
