package dev.kinbox.simulator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kinbox.simulator.report.ReportJson;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A violation reads as one line naming only what it has; a run-wide one names no account and replays the whole trace. */
class ViolationTest {
    @Test void anAccountsViolation_namesAccountDevicesAndMissingDots() {
        Violation v = new Violation("no_lost_edits", "a@x.invalid", List.of("d1"), List.of("d2:7"), "1 acknowledged edit(s) missing");
        assertEquals("no_lost_edits account a@x.invalid devices [d1] missing [d2:7]: 1 acknowledged edit(s) missing", v.describe());
        assertEquals("VIOLATION at 2.5 s (end): " + v.describe(), new FirstViolation(2.5, "end", v).line());
        assertEquals("kinbox replay t.kbt --account a@x.invalid", ReportJson.replayCommand(Path.of("t.kbt"), v.accountId()));
    }

    @Test void aRunWideViolation_namesNoEmptyAccount_andItsReplayListsEveryDevice() {
        Violation v = new Violation("all_steps_executed", "", List.of(), List.of(), "steps still running 120 s after the last was due");
        assertEquals("all_steps_executed: steps still running 120 s after the last was due", v.describe());
        assertEquals("kinbox replay t.kbt", ReportJson.replayCommand(Path.of("t.kbt"), v.accountId()));
    }
}
