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

    Nudges(MailStore store, Keyring keyring, Clock clock) {
        this.store = store;
        this.keyring = keyring;
        this.clock = clock;
    }

    void nudgeAll(long seq) {
        for (Keyring.PairedDevice d : keyring.siblings()) {
            SmaHeader h = SmaHeader.of(SmaHeader.Kind.DROP, keyring.deviceId(), Map.of("type", "nudge", "seq", Long.toString(seq)));
            try {
                store.append(SmaFolders.deviceFolder(d.deviceId()), SmaMail.build(h, new byte[] {'-'}, clock));
            } catch (MailStoreException.FolderMissing e) {
                LOG.debug("sibling {} has no folder yet; not nudged", d.deviceId());
            } catch (MailStoreException | dev.kinbox.journal.sma.SmaFormatException e) {
                LOG.debug("nudge to {} failed: {}", d.deviceId(), e.toString());
            }
        }
    }
}
