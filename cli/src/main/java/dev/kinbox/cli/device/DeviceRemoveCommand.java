package dev.kinbox.cli.device;

import dev.kinbox.actors.muaa.PairingApprover;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code kinbox device remove ID}: retire another device of the account at once. */
@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Remove another device from the account at once: it no longer receives or may write the account's state.")
final class DeviceRemoveCommand implements Callable<Integer> {
    @ParentCommand DeviceCommand parent;
    @Mixin DeviceOptions options;

    @Parameters(index = "0", paramLabel = "DEVICE_ID", description = "The device to remove (see `kinbox device devices`).")
    String target;

    @Override public Integer call() {
        return parent.withDevice(options, PairingApprover.refuseAll(), s -> {
            String removed = DeviceSession.await(s.device.remove(target));
            parent.out.println("removed " + removed + " from " + options.account());
            return 0;
        });
    }
}
