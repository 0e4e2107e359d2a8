package dev.kinbox.cli.replay;

import dev.kinbox.actors.embed.Kinbox;
import dev.kinbox.actors.embed.KinboxException;
import dev.kinbox.actors.muaa.PairingApprover;
import dev.kinbox.cli.device.DeviceOptions;
import dev.kinbox.cli.device.DeviceSession;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.simulator.trace.Trace;
import dev.kinbox.simulator.trace.TraceException;
import dev.kinbox.simulator.trace.TraceFile;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kinbox replay}: rebuilds devices' states from a simulation trace (see {@link TraceReplay}).
 * With {@code --imap}, the same for a real account's journal folders ({@link ImapReplay}).
 * Exit status: 0 done, 1 {@code --verify} found a mismatch (or, with {@code --imap}, the account could
 * not be read), 2 bad arguments or an unusable trace (said in one line, nothing else happens).
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Rebuild devices' states from a trace written by 'kinbox simulate': without options, what the trace holds;",
                "with --device, the device's timeline (one line per journal entry: sequence number, when, own or from which device,",
                "what changed), its state after it, and the run's steps that concerned it with their outcomes; --diff, where two",
                "devices' final states differ; --verify, that every journal still gives its recorded digest and the seed still gives",
                "the schedule.",
                "With --imap URL --state DIR instead of TRACE: the same (without steps) for a real account's journal folders, read with the key",
                "of the device in DIR (as 'kinbox device').",
                "Exit status: 0 done, 1 --verify found a mismatch or the account could not be read, 2 bad arguments or an unusable trace file."})
public final class ReplayCommand implements Callable<Integer> {
    static final int MISMATCH = 1;
    /** {@code --imap}: the account could not be read (server, password, device). */
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;

    @Spec CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "TRACE", description = "The trace file (kinbox-simulation/trace.kbt by default of 'kinbox simulate').")
    Path trace;

    @Option(names = "--account", paramLabel = "A",
            description = "Only this account: its id or aN. With --imap: the account's mail address (default: the IMAP user).")
    String account;

    @Option(names = "--imap", paramLabel = "URL",
            description = "Instead of a trace, read a real account's journal folders: imap://USER@HOST:PORT[?tls=none|starttls|tls], as 'kinbox device'. "
                    + "The password comes from KINBOX_IMAP_PASSWORD or the file named by KINBOX_IMAP_PASSWORD_FILE, never from the command line.")
    String imap;

    @Option(names = "--state", paramLabel = "DIR",
            description = "With --imap: the state directory of an existing device of the account (its key opens the folders), as 'kinbox device'. "
                    + "Default: ~/.kinbox/devices/ACCOUNT.")
    Path state;

    @Option(names = "--imap-trust", paramLabel = "PEM",
            description = "With --imap: trust the certificates in this PEM file instead of the JVM's trust store, as 'kinbox device'.")
    Path imapTrust;

    @Option(names = "--device", paramLabel = "D", description = "Show this device's timeline, state and (from a trace) steps: its id, a unique prefix of 4+ digits, or aN/dM.")
    String device;

    @Option(names = "--until", paramLabel = "SEQ|TIME",
            description = {"With --device: stop after journal entry SEQ (the #numbers of the timeline; the device's own sequence numbers),",
                    "or at an instant as the timeline prints it (e.g. 2030-01-01T06:00:00Z): before the first entry made after it."})
    String until;

    @Option(names = "--diff", arity = "2", paramLabel = "D", description = "Show where the final states of two devices differ ('equal' when their digests match).")
    List<String> diff;

    @Option(names = "--verify", description = "Rebuild every device's final state from its journal and compare its digest with the recorded one; exit 1 on a mismatch.")
    boolean verify;

    /** Tests read what is printed and set the environment (the IMAP password). */
    PrintStream out = System.out;
    PrintStream err = System.err;
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() {
        if (imap != null) return imap();
        if (state != null) throw new ParameterException(spec.commandLine(), "--state needs --imap");
        if (imapTrust != null) throw new ParameterException(spec.commandLine(), "--imap-trust needs --imap");
        if (trace == null) throw new ParameterException(spec.commandLine(), "Missing TRACE (the file 'kinbox simulate' wrote)");
        Until upTo = until();
        if (until != null && device == null) throw new ParameterException(spec.commandLine(), "--until needs --device");
        if ((device != null ? 1 : 0) + (diff != null ? 1 : 0) + (verify ? 1 : 0) > 1) {
            throw new ParameterException(spec.commandLine(), "choose one of --device, --diff and --verify");
        }
        try {
            Trace t = TraceFile.read(trace);
            TraceReplay r = new TraceReplay(t, out);
            Trace.Account a = account == null ? null : r.account(account);
            if (verify) return r.verify() ? 0 : MISMATCH;
            if (diff != null) {
                r.diff(r.device(diff.get(0), a), r.device(diff.get(1), a));
            } else if (device != null) {
                r.device(r.device(device, a), upTo);
            } else {
                r.overview(a);
            }
            return 0;
        } catch (TraceException e) {
            err.println("replay: " + e.getMessage());
            return BAD_INPUT;
        }
    }

    private Until until() {
        if (until == null) return Until.EVERYTHING;
        try {
            return Until.parse(until);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** {@code --imap}: the account's folders, read with the device in {@code --state}. */
    private int imap() {
        if (trace != null) throw new ParameterException(spec.commandLine(), "give either TRACE or --imap, not both");
        if (verify) throw new ParameterException(spec.commandLine(), "--verify needs a TRACE (a real account has no recorded digests)");
        if (device != null && diff != null) throw new ParameterException(spec.commandLine(), "choose one of --device and --diff");
        Until upTo = until();
        if (until != null && device == null) throw new ParameterException(spec.commandLine(), "--until needs --device");
        DeviceOptions o = DeviceOptions.of(imap, account, state, imapTrust);
        Path dir;
        try {
            dir = o.state();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (!Kinbox.hasDevice(dir)) {
            err.println("replay: no device in " + dir + "; --state must be the state directory of a device of the account (kinbox device init)");
            return BAD_INPUT;
        }
        try (DeviceSession s = DeviceSession.open(o, env, PairingApprover.refuseAll())) {
            ImapReplay r = new ImapReplay(s.device(), out);
            if (diff != null) r.diff(diff.get(0), diff.get(1));
            else r.show(device, upTo);
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("replay: " + e.getMessage());
            return BAD_INPUT;
        } catch (Exception e) {
            err.println("replay: " + (e instanceof KinboxException || e instanceof MailStoreException ? "" : e.getClass().getSimpleName() + ": ") + e.getMessage());
            return FAILED;
        }
    }
}
