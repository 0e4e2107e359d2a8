package dev.kinbox.journal;

import dev.kinbox.journal.mail.AppendResult;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaHeader;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops {@code kind=drop; type=nudge} messages into siblings' folders after uploads. A nudge is a
 * hint only (unsigned, empty body, deleted by its reader); a lost nudge costs latency until the
 * reader's periodic STATUS sweep.
 *
 * <p>Bounded: a sibling that does not read (offline for weeks) would otherwise collect one nudge per
 * upload run of every sibling. So each sender remembers the nudges it dropped into each folder (the
 * APPEND's UIDs) and, once the oldest of them is {@link #REPLACE_AFTER} old, deletes every one of
 * that age itself (a reader that already took them makes this a no-op): at most one delete per
 * sibling per {@code REPLACE_AFTER}, off the latency path (after the new nudge is appended), and a
 * folder holds, per sender, only the nudges of the last {@code REPLACE_AFTER} and one more. Nudges of
 * a previous run of this device (before a restart) are left to the reader.
 */
final class Nudges {
    /** How old our oldest nudge in a folder gets before we delete those of that age ourselves. */
    static final java.time.Duration REPLACE_AFTER = java.time.Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(Nudges.class);
    private final MailStore store;
    private final Keyring keyring;
    private final Clock clock;
    private final java.util.function.LongSupplier nanos;

    private final JournalStats stats;

    /** A nudge we dropped and have not deleted: the folder's UIDVALIDITY, its UID, when (nanos). */
    private record Dropped(long uidValidity, long uid, long at) {}

    /** Per sibling, our nudges in its folder, oldest first (guarded by the deque itself). */
    private final java.util.Map<String, java.util.ArrayDeque<Dropped>> dropped = new java.util.concurrent.ConcurrentHashMap<>();

    Nudges(MailStore store, Keyring keyring, Clock clock, JournalStats stats) {
        this(store, keyring, clock, stats, System::nanoTime);
    }

    /** {@code nanos}: the monotonic time source ({@link System#nanoTime} outside tests). */
    Nudges(MailStore store, Keyring keyring, Clock clock, JournalStats stats, java.util.function.LongSupplier nanos) {
        this.stats = stats;
        this.store = store;
        this.keyring = keyring;
        this.clock = clock;
        this.nanos = nanos;
    }

    /** Siblings whose folder was missing, until when (nanoTime) we do not try them again. */
    private final java.util.Map<String, Long> missingUntil = new java.util.concurrent.ConcurrentHashMap<>();
    private static final long RETRY_MISSING_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    void nudgeAll(long seq) {
        for (Keyring.PairedDevice d : keyring.siblings()) {
            Long until = missingUntil.get(d.deviceId());
            if (until != null && nanos.getAsLong() - until < 0) continue;
            SmaHeader h = SmaHeader.of(SmaHeader.Kind.DROP, keyring.deviceId(), Map.of("type", "nudge", "seq", Long.toString(seq)));
            try {
                String folder = SmaFolders.deviceFolder(d.deviceId());
                AppendResult r = store.append(folder, List.of(SmaMail.build(h, new byte[] {'-'}, clock)));
                List<Long> old = remember(d.deviceId(), r);
                if (!old.isEmpty()) store.delete(folder, old, r.uidValidity()); // not in a folder rebuilt since
            } catch (MailStoreException.FolderMissing e) {
                missingUntil.put(d.deviceId(), nanos.getAsLong() + RETRY_MISSING_NANOS);
                dropped.remove(d.deviceId());
                LOG.debug("sibling {} has no folder yet; not nudged for 30 s", d.deviceId());
            } catch (MailStoreException | dev.kinbox.journal.sma.SmaFormatException e) {
                stats.nudgeFailures.increment();
                LOG.debug("nudge to {} failed: {}", d.deviceId(), e.toString());
            }
        }
    }

    /** Records the new nudge; returns the UIDs of ours to delete now (empty unless the oldest is old enough). */
    private List<Long> remember(String sibling, AppendResult r) {
        long now = nanos.getAsLong();
        var q = dropped.computeIfAbsent(sibling, k -> new java.util.ArrayDeque<>());
        synchronized (q) {
            q.removeIf(x -> x.uidValidity() != r.uidValidity()); // the folder was made anew: those are gone
            List<Long> out = new java.util.ArrayList<>();
            long cutoff = now - REPLACE_AFTER.toNanos();
            if (!q.isEmpty() && q.peekFirst().at() - cutoff <= 0) {
                while (!q.isEmpty() && q.peekFirst().at() - cutoff <= 0) out.add(q.pollFirst().uid());
            }
            for (long uid : r.uids()) if (uid > 0) q.addLast(new Dropped(r.uidValidity(), uid, now));
            return out;
        }
    }
}
