package dev.kinbox.cli.replay;

import dev.kinbox.simulator.trace.JournalEntry;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Where a replay of one device's journal stops ({@code --until}): after the entry with a sequence
 * number, or at an instant - before the first entry whose event its origin made after that instant
 * (the hybrid-logical clock the timeline prints; a merged state has no time of its own and counts with
 * the entries before it). The journal records what a device applied in the order it applied it, not
 * when: an entry made after the instant was applied after it, and so was every entry after that one, so
 * the state "at" the instant is at most the entries before the first one made later (a replicated event
 * can be older than entries before it, so this is not a filter by time).
 */
sealed interface Until {
    /** The last sequence number of {@code journal} to replay. */
    long lastSeq(List<JournalEntry> journal);

    /** How the report names the point, e.g. {@code #3} or {@code #3 (the last entry made by 2030-01-01T06:00:00Z)}. */
    String describe(long lastSeq);

    Until EVERYTHING = new Seq(Long.MAX_VALUE);

    /** Up to and including entry {@code seq}. */
    record Seq(long seq) implements Until {
        public Seq {
            if (seq < 0) throw new IllegalArgumentException("--until must be a sequence number >= 0 or an instant");
        }

        @Override public long lastSeq(List<JournalEntry> journal) { return seq; }

        @Override public String describe(long lastSeq) { return "#" + lastSeq; }
    }

    /** Up to the first entry made after {@code at}. */
    record Time(Instant at) implements Until {
        @Override public long lastSeq(List<JournalEntry> journal) {
            long last = 0;
            for (JournalEntry e : journal) {
                if (e instanceof JournalEntry.Applied a && a.event().time().wallMillis() > at.toEpochMilli()) break;
                last = e.seq();
            }
            return last;
        }

        @Override public String describe(long lastSeq) { return "#" + lastSeq + " (the last entry made by " + at + ")"; }
    }

    /**
     * A sequence number ({@code 42}) or an ISO-8601 instant ({@code 2030-01-01T06:00:00Z}, as the timeline prints it).
     *
     * @throws IllegalArgumentException for anything else, or a negative number
     */
    static Until parse(String s) {
        if (s.matches("-?\\d{1,18}")) return new Seq(Long.parseLong(s));
        try {
            return new Time(Instant.parse(s));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--until takes a journal sequence number (e.g. 42) or an instant as the timeline prints it "
                    + "(e.g. 2030-01-01T06:00:00Z), not '" + s + "'");
        }
    }
}
