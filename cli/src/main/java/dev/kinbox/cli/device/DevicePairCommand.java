package dev.kinbox.cli.device;

import dev.kinbox.actors.embed.KinboxDevice;
import dev.kinbox.actors.muaa.PairingApprover;
import dev.kinbox.actors.muaa.PairingOutcome;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code kinbox device pair --with ID}: this (new) device asks a paired one; the user types the code it shows. */
@Command(name = "pair", mixinStandardHelpOptions = true,
        description = "Pair this new device with a paired one (run `kinbox device start` there; type the code it shows).")
final class DevicePairCommand implements Callable<Integer> {
    @ParentCommand DeviceCommand parent;
    @Mixin DeviceOptions options;

    @Option(names = "--with", required = true, paramLabel = "DEVICE_ID", description = "The paired device to ask (see `kinbox device init`).")
    String with;

    @Override public Integer call() {
        return parent.withDevice(options, PairingApprover.refuseAll(), s -> {
            KinboxDevice.PairingSession session = DeviceSession.await(s.device.pair(with, PairingApprover.PairingMethod.CODE));
            parent.out.println("asked " + with + " to pair; type the code it shows and press Enter:");
            parent.out.flush();
            String code = parent.in.readLine();
            if (code == null || code.isBlank()) {
                parent.out.println("kinbox device: no code entered; pairing abandoned");
                return DeviceCommand.FAILED;
            }
            DeviceSession.await(s.device.enterPairingCode(session.started().sessionId(), code.strip()));
            PairingOutcome.Paired paired = DeviceSession.await(session.done());
            parent.out.println("paired with " + paired.otherDeviceId() + "; account key " + paired.accountKeyFingerprint());
            return 0;
        });
    }
}
