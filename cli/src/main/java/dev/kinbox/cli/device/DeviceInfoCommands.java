package dev.kinbox.cli.device;

import dev.kinbox.actors.muaa.PairingApprover;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.PeerState;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** The short subcommands of {@code kinbox device}: start the device, report, close. */
final class DeviceInfoCommands {
    private DeviceInfoCommands() {}

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Start this device once: bootstrap an empty account, or announce the device so it can be paired.")
    static final class Init implements Callable<Integer> {
        @ParentCommand DeviceCommand parent;
        @Mixin DeviceOptions options;

        @Override public Integer call() {
            return parent.withDevice(options, PairingApprover.refuseAll(), s -> {
                parent.out.println(DeviceCommand.describe(s.device.startOutcome(), options.account()));
                parent.out.println("state directory: " + options.state().toAbsolutePath());
                return 0;
            });
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "How this device stands in the account.")
    static final class Status implements Callable<Integer> {
        @ParentCommand DeviceCommand parent;
        @Mixin DeviceOptions options;

        @Override public Integer call() {
            return parent.withDevice(options, PairingApprover.refuseAll(), s -> {
                AccountState st = s.caughtUpState(parent.out);
                parent.out.println(DeviceCommand.describe(s.device.startOutcome(), options.account()));
                parent.out.println("account key: " + st.currentKeyFingerprint().orElse("none yet (not paired)"));
                parent.out.println("devices: " + st.devices().size() + " known, " + DeviceCommand.paired(st) + " paired");
                parent.out.println("peers in the keyring: " + st.peers().size() + ", contacts: " + st.contacts().keys().elements().size());
                return 0;
            });
        }
    }

    @Command(name = "devices", mixinStandardHelpOptions = true, description = "The account's devices as this device knows them.")
    static final class Devices implements Callable<Integer> {
        @ParentCommand DeviceCommand parent;
        @Mixin DeviceOptions options;

        @Override public Integer call() {
            return parent.withDevice(options, PairingApprover.refuseAll(), s -> {
                AccountState st = s.caughtUpState(parent.out);
                st.devices().entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .forEach(e -> parent.out.println(DeviceCommand.deviceLine(e.getKey(), e.getValue(), s.device.deviceId())));
                return 0;
            });
        }
    }

    @Command(name = "keyring", mixinStandardHelpOptions = true, description = "The Autocrypt peer keyring shared by the account's devices.")
    static final class Keyring implements Callable<Integer> {
        @ParentCommand DeviceCommand parent;
        @Mixin DeviceOptions options;

        @Override public Integer call() {
            return parent.withDevice(options, PairingApprover.refuseAll(), s -> {
                Map<String, PeerState> peers = s.caughtUpState(parent.out).peers();
                if (peers.isEmpty()) parent.out.println("no peers yet");
                peers.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
                    PeerState p = e.getValue();
                    String fp = p.autocrypt() != null ? p.autocrypt().fingerprint() + " " + p.autocrypt().preferEncrypt()
                            : p.gossip() != null ? p.gossip().fingerprint() + " (gossip)" : "no key";
                    parent.out.println(e.getKey() + "  " + fp);
                });
                return 0;
            });
        }
    }
}
