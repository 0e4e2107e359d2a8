package dev.kinbox.cli.replay;

import dev.kinbox.actors.embed.KinboxDevice;
import dev.kinbox.cli.device.DeviceSession;
import dev.kinbox.journal.query.SiblingSnapshot;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.DeviceRecord;
import dev.kinbox.simulator.trace.JournalEntry;
import dev.kinbox.simulator.trace.Journals;
import dev.kinbox.simulator.trace.StateView;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.pekko.persistence.query.EventEnvelope;

/**
 * {@code kinbox replay --imap}: the journal folders of a real account, read with one of its devices
 * (started from its state directory, as {@code kinbox device} does) through the same read path
 * replication uses ({@link KinboxDevice#readJournal}); each folder printed like a trace's device.
 * A compacted stretch of a folder shows as the author's merged snapshot.
 */
final class ImapReplay {
    private final KinboxDevice device;
    private final PrintStream out;
    private final Map<String, DeviceRecord> known;

    ImapReplay(KinboxDevice device, PrintStream out) throws Exception {
        this.device = device;
        this.out = out;
        this.known = new TreeMap<>(DeviceSession.await(device.state()).devices());
    }

    /** Device ids are printed whole: they are what the timeline and the account's folders are named by. */
    Function<String, String> label() { return Function.identity(); }

    /** Every device the reader knows, then the timeline and state of each folder (only {@code only}'s, when given). */
    void show(String only, Until until) throws Exception {
        out.println("account read by device " + device.deviceId() + "; devices it knows:");
        known.forEach((id, d) -> out.println("  " + id + "  " + (d.name() == null ? "" : d.name().value()) + "  " + d.status()
                + (id.equals(device.deviceId()) ? "  (this device)" : "")));
        for (String id : only != null ? List.of(resolve(only)) : List.copyOf(known.keySet())) {
            List<JournalEntry> journal;
            try {
                journal = journal(id);
            } catch (Exception e) {
                out.println("device " + id + ": its folder cannot be read: " + e.getMessage());
                continue;
            }
            DeviceReport.print(out, "device " + id + " (its folder on the server)", id, journal, until, null, label());
        }
    }

    /** Where the states of two devices' folders differ. */
    void diff(String a, String b) throws Exception {
        String ia = resolve(a), ib = resolve(b);
        AccountState sa = Journals.fold(journal(ia), Long.MAX_VALUE), sb = Journals.fold(journal(ib), Long.MAX_VALUE);
        StateView.diff(sa, ia, sb, ib, label()).forEach(out::println);
    }

    private List<JournalEntry> journal(String id) throws Exception {
        List<JournalEntry> out = new ArrayList<>();
        for (EventEnvelope e : DeviceSession.await(device.readJournal(id))) {
            Object ev = e.event();
            if (ev instanceof SiblingSnapshot s) ev = s.snapshot();
            if (ev instanceof AccountEvent a) out.add(new JournalEntry.Applied(e.sequenceNr(), a));
            else if (ev instanceof AccountState s) out.add(new JournalEntry.Merged(e.sequenceNr(), s));
            // anything else in a folder is not an account change: nothing to replay
        }
        return out;
    }

    /** A known device by id or a unique prefix of 4+ digits. */
    private String resolve(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (known.containsKey(n)) return n;
        List<String> hits = known.keySet().stream().filter(id -> n.length() >= 4 && id.startsWith(n)).toList();
        if (hits.size() == 1) return hits.get(0);
        throw new IllegalArgumentException(hits.isEmpty() ? "no device " + name + " in the account (devices: " + known.keySet() + ")"
                : "device " + name + " is ambiguous: " + hits);
    }
}
