package dev.kinbox.cli.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.actors.muaa.StartOutcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The line {@code kinbox device} prints for a start. */
class DeviceCommandTest {
    @Test
    void aBootstrapThatFoundOtherDevicesFolders_tellsTheUserToPair() {
        String line = DeviceCommand.describe(new StartOutcome.Bootstrapped("0123456789abcdef", "FP", List.of("fedcba9876543210")), "a@b.invalid");
        assertTrue(line.startsWith("device 0123456789abcdef bootstrapped account a@b.invalid (account key FP); but the account holds the folders of"
                + " [fedcba9876543210]"), line);
        assertTrue(line.endsWith("pair this one with it"), line);
    }

    @Test
    void aBootstrapOfAnEmptyAccount_saysOnlyThat() {
        assertEquals("device 0123456789abcdef bootstrapped account a@b.invalid (account key FP)",
                DeviceCommand.describe(new StartOutcome.Bootstrapped("0123456789abcdef", "FP"), "a@b.invalid"));
    }
}
