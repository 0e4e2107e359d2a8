package dev.kinbox.cli;

import dev.kinbox.cli.bench.BenchCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The root command: prints help when called without a subcommand. */
@Command(
        name = "kinbox",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Keeps one mail user's devices in agreement through their own IMAP account.",
        subcommands = {SimulateCommand.class, BenchCommand.class, dev.kinbox.cli.crypto.SopCommand.class, dev.kinbox.cli.crypto.AutocryptCommand.class,
                dev.kinbox.cli.remailer.RemailerCommand.class, dev.kinbox.cli.device.DeviceCommand.class,
                dev.kinbox.cli.replay.ReplayCommand.class})
final class KinboxCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand");
    }
}
