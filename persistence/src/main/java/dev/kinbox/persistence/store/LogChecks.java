package dev.kinbox.persistence.store;

import java.util.List;

/** Argument checks shared by the {@link LocalLog} implementations. */
final class LogChecks {
    private LogChecks() {}

    /** Validates a batch against the current highest number; returns the batch's last number (or highest). */
    static long checkBatch(long highest, List<LogEntry> entries, int maxPayload) {
        if (entries == null) throw new StoreException("entries missing");
        long expected = -1;
        for (LogEntry e : entries) {
            if (e == null) throw new StoreException("null entry");
            if (e.payload().length > maxPayload) throw new StoreException("payload larger than " + maxPayload + " bytes");
            if (expected < 0) {
                if (e.sequenceNr() <= highest) {
                    throw new StoreException("sequence number " + e.sequenceNr() + " is not above the highest " + highest);
                }
            } else if (e.sequenceNr() != expected) {
                throw new StoreException("batch not consecutive: expected " + expected + ", got " + e.sequenceNr());
            }
            expected = e.sequenceNr() + 1;
        }
        return expected < 0 ? highest : expected - 1;
    }
}
