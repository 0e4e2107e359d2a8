package dev.kinbox.simulator.trace;

import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.ContactEvent;
import dev.kinbox.persistence.SettingsEvent;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.simulator.workload.Schedule;
import dev.kinbox.simulator.workload.Workload;
import dev.kinbox.simulator.workload.WorkloadOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A small hand-made trace: one account, devices A and B; B missed A's last edit. */
final class TraceFixtures {
    static final String A = "00000000000000aa";
    static final String B = "00000000000000bb";
    static final long T0 = 1_893_456_000_000L; // 2030-01-01T00:00:00Z

    private TraceFixtures() {}

    static AccountEvent setting(String origin, long seq, long at, String key, String value) {
        return new SettingsEvent.SettingChanged(new Dot(origin, seq), new Hlc(T0 + at, 0, origin), key, value);
    }

    static AccountEvent contact(String origin, long seq, long at, String id) {
        return new ContactEvent.ContactCreated(new Dot(origin, seq), new Hlc(T0 + at, 0, origin), id);
    }

    /** A: own s1=v1, own contact c0, B's s2=v2, own s1=v3. B: own s2=v2, A's s1=v1, a merged state holding A's contact. */
    static List<JournalEntry> journalA() {
        return List.of(new JournalEntry.Applied(1, setting(A, 1, 1000, "s1", "v1")), new JournalEntry.Applied(2, contact(A, 2, 2000, "c0")),
                new JournalEntry.Applied(3, setting(B, 1, 1500, "s2", "v2")), new JournalEntry.Applied(4, setting(A, 3, 4000, "s1", "v3")));
    }

    static List<JournalEntry> journalB() {
        AccountState merged = AccountState.EMPTY.apply(setting(A, 1, 1000, "s1", "v1")).apply(contact(A, 2, 2000, "c0"));
        return List.of(new JournalEntry.Applied(1, setting(B, 1, 1500, "s2", "v2")), new JournalEntry.Applied(2, setting(A, 1, 1000, "s1", "v1")),
                new JournalEntry.Merged(3, merged));
    }

    static Trace trace() {
        WorkloadOptions o = new WorkloadOptions(1, 2, 2, Duration.ofHours(1), 1000, 0, 0, 0, 0, Duration.ZERO, 0, 1000);
        Schedule s = Workload.generate(42, o);
        List<Trace.StepRecord> steps = new ArrayList<>();
        for (int i = 0; i < s.steps().size(); i++) steps.add(new Trace.StepRecord(i, i * 10L, "done"));
        return new Trace(42, Trace.Workload.of(o), s.steps().size(), Trace.digestOf(s), "memory", 3600, steps,
                List.of(new Trace.Account(0, "sim0@trace.test.invalid", List.of(device(0, A, journalA()), device(1, B, journalB())))),
                List.of());
    }

    static Trace.Device device(int slot, String id, List<JournalEntry> journal) {
        return new Trace.Device(slot, id, true, Journals.digest(Journals.fold(journal, Long.MAX_VALUE)),
                journal.stream().map(Journals::encode).toList());
    }
}
