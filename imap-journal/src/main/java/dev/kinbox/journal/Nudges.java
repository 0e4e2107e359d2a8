package dev.kinbox.journal;

import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaHeader;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops {@code kind=drop; type=nudge} messages into siblings' folders after uploads. A nudge is a
 * hint only (unsigned, empty body, deleted by its reader); a lost nudge costs latency until the
 * reader's periodic STATUS sweep.
 */
final class Nudges {
    private static final Logger LOG = LoggerFactory.getLogger(Nudges.class);
    private final MailStore store;
    private final Keyring keyring;
    private final Clock clock;

    private final JournalStats stats;

    Nudges(MailStore store, Keyring keyring, Clock clock, JournalStats stats) {
        this.stats = stats;
        this.store = store;
        this.keyring = keyring;
        this.clock = clock;
    }

    /** Siblings whose folder was missing, until when (nanoTime) we do not try them again. */
    private final java.util.Map<String, Long> missingUntil = new java.util.concurrent.ConcurrentHashMap<>();
    private static final long RETRY_MISSING_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    void nudgeAll(long seq) {
        for (Keyring.PairedDevice d : keyring.siblings()) {
            Long until = missingUntil.get(d.deviceId());
            if (until != null && System.nanoTime() - until < 0) continue;
            SmaHeader h = SmaHeader.of(SmaHeader.Kind.DROP, keyring.deviceId(), Map.of("type", "nudge", "seq", Long.toString(seq)));
            try {
                store.append(SmaFolders.deviceFolder(d.deviceId()), SmaMail.build(h, new byte[] {'-'}, clock));
            } catch (MailStoreException.FolderMissing e) {
                missingUntil.put(d.deviceId(), System.nanoTime() + RETRY_MISSING_NANOS);
                LOG.debug("sibling {} has no folder yet; not nudged for 30 s", d.deviceId());
            } catch (MailStoreException | dev.kinbox.journal.sma.SmaFormatException e) {
                stats.nudgeFailures.increment();
                LOG.debug("nudge to {} failed: {}", d.deviceId(), e.toString());
            }
        }
    }
}
