package dev.kinbox.cli.replay;

import dev.kinbox.persistence.AccountState;
import dev.kinbox.simulator.trace.JournalEntry;
import dev.kinbox.simulator.trace.Journals;
import dev.kinbox.simulator.trace.StateView;
import dev.kinbox.simulator.trace.Timeline;
import dev.kinbox.simulator.trace.TraceCheck;
import java.io.PrintStream;
import java.util.List;
import java.util.function.Function;

/** One device's journal printed the same way whatever it was read from (a trace, or the account's folders): timeline, then the state. */
final class DeviceReport {
    private DeviceReport() {}

    /**
     * {@code header}, the timeline of {@code journal} up to {@code until}, and the state there with its
     * digest ({@code recorded}, when not null and the whole journal was replayed, printed beside it).
     */
    static void print(PrintStream out, String header, String deviceId, List<JournalEntry> journal, Until upTo, byte[] recorded,
                      Function<String, String> label) {
        long last = journal.isEmpty() ? 0 : journal.get(journal.size() - 1).seq();
        long until = upTo.lastSeq(journal);
        String point = upTo.describe(Math.min(until, last));
        out.println(header + ": " + journal.size() + " journal entries" + (until < last ? ", replayed up to " + point : ""));
        Timeline.lines(deviceId, journal, until, label).forEach(out::println);
        AccountState s = Journals.fold(journal, until);
        out.println("state at " + point + " (digest " + TraceCheck.hex(Journals.digest(s))
                + (until >= last && recorded != null ? ", recorded " + TraceCheck.hex(recorded) : "") + "):");
        StateView.of(s, label).forEach((k, v) -> out.println("  " + k + " = " + v));
    }
}
