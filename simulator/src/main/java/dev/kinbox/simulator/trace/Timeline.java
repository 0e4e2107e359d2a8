package dev.kinbox.simulator.trace;

import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A device's journal as text, one line per entry: sequence number, when (the event's hybrid-logical
 * clock, set by its origin), own or replicated and from which device, what kind of change and what
 * it changed; a merged state ({@code join}) says how many events of which devices it carried.
 */
public final class Timeline {
    private static final Set<String> META = Set.of("dot", "time");

    private Timeline() {}

    /**
     * The lines of {@code journal} of device {@code deviceId} up to sequence number {@code untilSeq};
     * {@code label} names a device id for people (e.g. {@code a0/d2}).
     */
    public static List<String> lines(String deviceId, List<JournalEntry> journal, long untilSeq, Function<String, String> label) {
        List<String> out = new ArrayList<>();
        for (JournalEntry e : journal) {
            if (e.seq() > untilSeq) break;
            out.add(line(deviceId, e, label));
        }
        return out;
    }

    static String line(String deviceId, JournalEntry e, Function<String, String> label) {
        if (e instanceof JournalEntry.Applied a) {
            AccountEvent ev = a.event();
            boolean own = ev.origin().equals(deviceId);
            return String.format("#%-6d %-26s %-4s %-28s %s %s", e.seq(), Render.time(ev.time()), own ? "own" : "from",
                    label.apply(ev.origin()) + ":" + ev.dot().seq(), ev.getClass().getSimpleName(), Render.fields(ev, META)).stripTrailing();
        }
        AccountState s = ((JournalEntry.Merged) e).state();
        Map<String, Long> vv = new TreeMap<>();
        s.context().versionVector().forEach((d, n) -> vv.put(label.apply(d), n));
        return String.format("#%-6d %-26s %-4s %-28s %s", e.seq(), "-", "join", "merged state",
                "events " + vv + (s.context().cloud().isEmpty() ? "" : " and " + s.context().cloud().size() + " detached"));
    }
}
