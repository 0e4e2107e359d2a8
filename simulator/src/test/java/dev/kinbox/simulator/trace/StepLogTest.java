package dev.kinbox.simulator.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.simulator.workload.Change;
import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.workload.HostileAct;
import dev.kinbox.simulator.workload.Schedule;
import dev.kinbox.simulator.workload.Step;
import dev.kinbox.simulator.workload.WorkloadOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepLogTest {
    private static final DeviceRef D0 = new DeviceRef(0, 0);
    private static final DeviceRef D1 = new DeviceRef(0, 1);
    private static final DeviceRef OTHER = new DeviceRef(1, 0);
    private static final WorkloadOptions OPTIONS = new WorkloadOptions(2, 2, 2, Duration.ofHours(30), 1000, 0, 0, 0, 0, Duration.ZERO, 0, 1000);

    @Test
    void lines_holdEveryStepThatConcernsTheDevice_withSimulatedTimeAndRecordedOutcome_andNoOtherStep() {
        Schedule s = new Schedule(1, OPTIONS, List.of(
                new Step.Join(0, D0),                                        // 0: its own
                new Step.Join(0, D1),                                        // 1: a sibling's
                new Step.Edit(3_723_004, D1, new Change.SetSetting("k", "v")), // 2: a sibling's edit
                new Step.Edit(3_723_005, D0, new Change.SetSetting("s1", "v1")), // 3: its own edit
                new Step.ServerRestart(4_000_000, D1),                       // 4: its account's server
                new Step.ServerRestart(4_000_001, OTHER),                    // 5: another account's
                new Step.Remove(5_000_000, D1, D0),                          // 6: a removal by it
                new Step.Hostile(6_000_000, D0, HostileAct.DELETE),          // 7: on its folder
                new Step.Leave(25_679_825, D0),                              // 8: its leave
                new Step.FolderRebuild(30_396_355, D0),                      // 9: its folder, after it left
                new Step.Crash(100_000_000, D0)));                           // 10: never carried out
        List<Trace.StepRecord> recorded = List.of(new Trace.StepRecord(0, 0, "done"), new Trace.StepRecord(1, 0, "done"),
                new Trace.StepRecord(3, 1043, "acked 0123456789abcdef:8"), new Trace.StepRecord(4, 1100, "done"),
                new Trace.StepRecord(6, 1400, "done"), new Trace.StepRecord(7, 1500, "done"), new Trace.StepRecord(8, 7134, "done"),
                new Trace.StepRecord(9, 13285, "done"));

        List<String> lines = StepLog.lines(s, recorded, D0);

        assertEquals(8, lines.size(), String.join("\n", lines));
        assertEquals(List.of(0, 3, 4, 6, 7, 8, 9, 10), lines.stream().map(l -> Integer.parseInt(l.split(" +")[1])).toList());
        assertTrue(lines.get(1).matches("step 3 +sim 1:02:03\\.005 +real 1\\.043 s +Edit SetSetting\\[key=s1, value=v1\\] +acked 0123456789abcdef:8"),
                lines.get(1));
        assertTrue(lines.get(2).contains("ServerRestart (the account's server)"), lines.get(2));
        assertTrue(lines.get(3).contains("Remove a0/d1 by a0/d0"), lines.get(3));
        assertTrue(lines.get(4).contains("Hostile DELETE"), lines.get(4));
        assertTrue(lines.get(5).matches("step 8 +sim 7:07:59\\.825 +real 7\\.134 s +Leave +done"), lines.get(5));
        assertTrue(lines.get(6).matches("step 9 +sim 8:26:36\\.355 +real 13\\.285 s +FolderRebuild +done"), lines.get(6));
        assertTrue(lines.get(7).matches("step 10 +sim 27:46:40\\.000 +real - +Crash +\\(not carried out\\)"), lines.get(7));
    }

    @Test
    void lines_ofTheRemovedDevice_showTheRemovalByItsSibling() {
        Schedule s = new Schedule(1, OPTIONS, List.of(new Step.Join(0, D0), new Step.Join(0, D1), new Step.Remove(5_000_000, D1, D0)));
        List<String> lines = StepLog.lines(s, List.of(), D1);
        assertEquals(2, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(1).contains("Remove a0/d1 by a0/d0"), lines.get(1));
    }
}
