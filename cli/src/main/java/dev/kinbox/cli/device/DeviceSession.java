package dev.kinbox.cli.device;

import dev.kinbox.actors.embed.Kinbox;
import dev.kinbox.actors.embed.KinboxConfig;
import dev.kinbox.actors.embed.KinboxDevice;
import dev.kinbox.actors.muaa.PairingApprover;
import dev.kinbox.journal.mail.ImapMailStore;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One run of a {@code kinbox device} command: the account's mailbox opened and the device started;
 * closing closes both. Public for other commands that open an existing device ({@code kinbox replay --imap}).
 */
public final class DeviceSession implements AutoCloseable {
    static final long WAIT_SECONDS = 120;
    final ImapMailStore mailbox;
    final KinboxDevice device;

    private DeviceSession(ImapMailStore mailbox, KinboxDevice device) {
        this.mailbox = mailbox;
        this.device = device;
    }

    public static DeviceSession open(DeviceOptions o, Map<String, String> env, PairingApprover approver) throws Exception {
        ImapMailStore mailbox = ImapMailStore.connect(o.imapSettings(env));
        try {
            KinboxConfig config = KinboxConfig.of(o.account(), o.state(), mailbox).withDeviceName(o.name()).withApprover(approver);
            return new DeviceSession(mailbox, await(Kinbox.start(config)));
        } catch (Exception | Error e) {
            mailbox.close();
            throw e;
        }
    }

    /** The stage's value; its failure's cause is rethrown as it is (so commands can print a clear message). */
    public static <T> T await(CompletionStage<T> stage) throws Exception {
        try {
            return stage.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) throw cause;
            throw e;
        } catch (TimeoutException e) {
            throw new TimeoutException("no answer within " + WAIT_SECONDS + " s");
        }
    }

    /**
     * The state to report: read first what the siblings have on the server (up to 15 s), and say so
     * when that took too long.
     */
    dev.kinbox.persistence.AccountState caughtUpState(java.io.PrintStream out) throws Exception {
        if (!await(device.catchUp(java.time.Duration.ofSeconds(15)))) {
            out.println("(not caught up with every device within 15 s: showing what this device holds)");
        }
        return await(device.state());
    }

    /** The started device. */
    public KinboxDevice device() { return device; }

    @Override public void close() {
        try {
            device.close();
        } finally {
            mailbox.close();
        }
    }
}
