package dev.kinbox.cli.device;

import dev.kinbox.actors.muaa.PairingApprover;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kinbox device start}: keeps the device running - replicating with its siblings and answering
 * pairing requests by showing the short code to type on the new device - until Ctrl-C (or {@code --for}).
 */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Run this device until interrupted: replicate, and show the code for each pairing request.")
final class DeviceStartCommand implements java.util.concurrent.Callable<Integer> {
    @ParentCommand DeviceCommand parent;
    @Mixin DeviceOptions options;

    @Option(names = "--for", paramLabel = "DURATION", description = "Stop after this long (ISO-8601, e.g. PT10M). Default: until Ctrl-C.")
    Duration runFor;

    @Override public Integer call() {
        return parent.guarded(() -> {
            CountDownLatch stop = new CountDownLatch(1);
            parent.stop.thenRun(stop::countDown);
            Thread hook = new Thread(stop::countDown, "kinbox-device-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try (DeviceSession s = DeviceSession.open(options, parent.env, new TerminalApprover())) {
                parent.out.println(DeviceCommand.describe(s.device.startOutcome(), options.account()));
                java.util.Set<String> told = java.util.concurrent.ConcurrentHashMap.newKeySet();
                AutoCloseable watching = DeviceSession.await(s.device.addListener(st -> st.devices().forEach((id, d) -> {
                    if (id.equals(s.device.deviceId()) || !told.add(id + d.status())) return;
                    String name = d.name() == null ? "" : " (" + d.name().value() + ")";
                    if (d.status() == DeviceStatus.PAIRED) parent.out.println("device " + id + name + " is paired");
                    if (d.status() == DeviceStatus.RETIRED) parent.out.println("device " + id + name + " was removed");
                })));
                parent.out.println("running; Ctrl-C stops the device");
                parent.out.flush();
                if (runFor != null) stop.await(runFor.toMillis(), TimeUnit.MILLISECONDS);
                else stop.await();
                parent.out.println("stopping");
                watching.close();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is exiting because of Ctrl-C: the hook already ran
                }
            }
            return 0;
        });
    }

    /** Pairing on the terminal: the code is shown for the user to type on the new device; QR needs a camera, refused. */
    private final class TerminalApprover implements PairingApprover {
        @Override public CompletionStage<Optional<String>> scanQr(PairingRequest request) {
            parent.out.println("pairing request from " + request.deviceId() + " (" + request.name()
                    + ") by QR code: this terminal has no camera; use the code path (kinbox device pair without --qr)");
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override public CompletionStage<Boolean> showCode(PairingRequest request, String code) {
            parent.out.println("pairing request from " + request.deviceId() + " (" + request.name() + ")");
            parent.out.println("  to pair it, type this code on that device: " + code);
            parent.out.println("  (if you did not start a pairing there, ignore this: without the code nothing happens)");
            parent.out.flush();
            return CompletableFuture.completedFuture(true);
        }
    }
}
