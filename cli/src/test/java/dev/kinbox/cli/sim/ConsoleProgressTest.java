package dev.kinbox.cli.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {
    @Test
    void violation_isPrintedAtOnceWhileProgressLinesAreThrottled() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ConsoleProgress p = new ConsoleProgress(new PrintStream(buf, true, StandardCharsets.UTF_8), false, 3_600_000)) {
            p.phase("steps", 10);
            p.update(1, "1 acked"); // within the hour: not printed
            p.violation("VIOLATION at 0.5 s (steps): no_forged_applied account a devices [d]: forged");
            p.update(2, "2 acked");
        }
        assertEquals(List.of("simulate: steps (10)", "simulate: VIOLATION at 0.5 s (steps): no_forged_applied account a devices [d]: forged"),
                buf.toString(StandardCharsets.UTF_8).lines().toList());
    }
}
