package dev.kinbox.cli.remailer;

import dev.kinbox.crypto.Crypto;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config FILE}, shared by every remailer subcommand. */
final class ConfigOption {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the list's configuration (HOCON)")
    Path file;

    RemailerConfig load() throws ConfigException {
        return RemailerConfig.load(file, System.getenv(), Crypto.standard());
    }
}
