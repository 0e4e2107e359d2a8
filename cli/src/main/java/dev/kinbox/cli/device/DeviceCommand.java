package dev.kinbox.cli.device;

import dev.kinbox.actors.embed.KinboxException;
import dev.kinbox.actors.muaa.StartOutcome;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.DeviceRecord;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kinbox device}: one device of a real account from the command line. Every subcommand opens
 * the account (password from the environment or a file), starts the device from its state directory,
 * does its job and closes it; {@code start} stays up until interrupted.
 */
@Command(name = "device", mixinStandardHelpOptions = true,
        description = "Run one device of a real account: init, start, status, devices, pair, keyring, remove.",
        subcommands = {DeviceInfoCommands.Init.class, DeviceStartCommand.class, DeviceInfoCommands.Status.class,
                DeviceInfoCommands.Devices.class, DevicePairCommand.class, DeviceInfoCommands.Keyring.class, DeviceRemoveCommand.class})
public final class DeviceCommand implements Runnable {
    /** Exit code when the device or the account refused or failed (usage errors are picocli's 2). */
    static final int FAILED = 1;

    final Map<String, String> env;
    final PrintStream out;
    final BufferedReader in;
    final java.util.concurrent.CompletableFuture<Void> stop;
    @Spec CommandSpec spec;

    public DeviceCommand() {
        this(System.getenv(), System.out, System.in, new java.util.concurrent.CompletableFuture<>());
    }

    /** For tests: the environment (password), the terminal's output and input, and a stand-in for Ctrl-C. */
    public DeviceCommand(Map<String, String> env, PrintStream out, InputStream in, java.util.concurrent.CompletableFuture<Void> stop) {
        this.env = Map.copyOf(env);
        this.out = out;
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.stop = stop;
    }

    @Override public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: init, start, status, devices, pair, keyring or remove");
    }

    /** Runs a subcommand's work, turning every failure into one clear line and exit code 1. */
    int guarded(Callable<Integer> work) {
        try {
            return work.call();
        } catch (KinboxException | dev.kinbox.journal.mail.MailStoreException | IllegalArgumentException e) {
            out.println("kinbox device: " + e.getMessage());
            return FAILED;
        } catch (Exception e) {
            out.println("kinbox device: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return FAILED;
        }
    }

    /** What a subcommand does with the started device; returns the exit code. */
    @FunctionalInterface
    interface DeviceWork {
        int run(DeviceSession session) throws Exception;
    }

    /** Opens the account and starts the device, runs {@code work}, closes both; failures as in {@link #guarded}. */
    int withDevice(DeviceOptions options, dev.kinbox.actors.muaa.PairingApprover approver, DeviceWork work) {
        return guarded(() -> {
            try (DeviceSession s = DeviceSession.open(options, env, approver)) {
                return work.run(s);
            }
        });
    }

    /** One line describing how the device started. */
    static String describe(StartOutcome o, String account) {
        if (o instanceof StartOutcome.Bootstrapped b) {
            String line = "device " + b.deviceId() + " bootstrapped account " + account + " (account key " + b.accountKeyFingerprint() + ")";
            return b.unannounced().isEmpty() ? line : line + "; but the account holds the folders of " + b.unannounced()
                    + ", which did not announce themselves (they left recently, or the provider hides them): if you have another device"
                    + " in this account, pair this one with it";
        }
        if (o instanceof StartOutcome.Running r) {
            return "device " + r.deviceId() + " of " + account + " is paired with " + r.siblings() + " other device(s)";
        }
        if (o instanceof StartOutcome.AwaitingPairing a) {
            return "device " + a.deviceId() + " announced itself in " + account + " and waits to be paired; devices to pair with: "
                    + a.others().stream().map(x -> x.deviceId() + " (" + x.name() + ")").toList();
        }
        StartOutcome.Retired r = (StartOutcome.Retired) o;
        return "device " + r.deviceId() + " was removed from " + account + "; start again with a new --state directory and pair it";
    }

    static String deviceLine(String id, DeviceRecord d, String self) {
        String name = d.name() == null ? "" : String.valueOf(d.name().value());
        return String.format("%-16s  %-20s  %-9s  last active %s%s", id, name, d.status(),
                d.lastActive() <= 0 ? "-" : java.time.Instant.ofEpochMilli(d.lastActive()), id.equals(self) ? "  (this device)" : "");
    }

    static long paired(AccountState s) {
        return s.devices().values().stream().filter(d -> d.status() == dev.kinbox.persistence.crdt.DeviceStatus.PAIRED).count();
    }
}
