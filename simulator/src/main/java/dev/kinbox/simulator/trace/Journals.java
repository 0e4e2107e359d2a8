package dev.kinbox.simulator.trace;

import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.DecodingException;
import dev.kinbox.persistence.KinboxCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * A device's journal in and out of a {@link Trace} (canonical {@link KinboxCodec} bytes), and its
 * state rebuilt from it the way its MUAA recovers: each event applied, each merged state joined, in
 * sequence order.
 */
public final class Journals {
    private static final KinboxCodec CODEC = new KinboxCodec();

    private Journals() {}

    public static Trace.Entry encode(JournalEntry e) {
        if (e instanceof JournalEntry.Applied a) return new Trace.Entry(a.seq(), false, CODEC.encode(a.event()));
        JournalEntry.Merged m = (JournalEntry.Merged) e;
        return new Trace.Entry(m.seq(), true, CODEC.encode(m.state()));
    }

    /** The journal of {@code d}, decoded; a {@link TraceException} names the first entry that does not decode. */
    public static List<JournalEntry> decode(Trace.Device d) throws TraceException {
        List<JournalEntry> out = new ArrayList<>(d.journal().size());
        long last = 0;
        for (Trace.Entry e : d.journal()) {
            if (e.seq() <= last) throw new TraceException("journal of " + d.deviceId() + " out of order at sequence number " + e.seq());
            last = e.seq();
            try {
                out.add(e.merged() ? new JournalEntry.Merged(e.seq(), CODEC.decodeState(e.bytes()))
                        : new JournalEntry.Applied(e.seq(), CODEC.decodeEvent(e.bytes())));
            } catch (DecodingException | IllegalArgumentException x) {
                throw new TraceException("journal of " + d.deviceId() + ": entry " + e.seq() + " does not decode: " + x.getMessage(), x);
            }
        }
        return out;
    }

    /** The state after every entry with a sequence number up to {@code untilSeq}. */
    public static AccountState fold(List<JournalEntry> journal, long untilSeq) {
        AccountState s = AccountState.EMPTY;
        for (JournalEntry e : journal) {
            if (e.seq() > untilSeq) break;
            s = e instanceof JournalEntry.Applied a ? s.apply(a.event()) : s.join(((JournalEntry.Merged) e).state());
        }
        return s;
    }

    /** {@link KinboxCodec#digest} of {@code s}. */
    public static byte[] digest(AccountState s) {
        return CODEC.digest(s);
    }
}
