package dev.kinbox.actors.muaa;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaFormatException;
import dev.kinbox.journal.sma.SmaHeader;
import dev.kinbox.journal.sma.SmaMessage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blocking reads and writes of {@code _Autocrypt_SMA}: one current announcement per device. Runs on
 * a blocking executor, never on an actor thread. Announcements that do not verify are skipped and
 * counted in {@code refused}.
 */
final class AnnouncementFolder {
    private static final Logger LOG = LoggerFactory.getLogger(AnnouncementFolder.class);
    private static final String FOLDER = SmaFolders.ANNOUNCEMENTS;
    private static final int MAX_MESSAGES = 10_000;

    private final MailStore store;
    private final Crypto crypto;
    private final LongAdder refused;

    AnnouncementFolder(MailStore store, Crypto crypto, LongAdder refused) {
        this.store = store;
        this.crypto = crypto;
        this.refused = refused;
    }

    /** The newest verified announcement of every device; empty when the folder does not exist. */
    Map<String, Announcement> read() {
        if (!store.listFolders().contains(FOLDER)) return Map.of();
        List<StoredMessage> msgs;
        try {
            msgs = store.fetch(FOLDER, UidRange.all(), Fetch.FULL);
        } catch (MailStoreException.FolderMissing e) {
            return Map.of();
        }
        Map<String, Announcement> out = new HashMap<>();
        for (StoredMessage m : msgs.subList(0, Math.min(msgs.size(), MAX_MESSAGES))) {
            try {
                Announcement a = Announcement.verify(m, crypto);
                out.merge(a.deviceId(), a, (x, y) -> x.activeAt() >= y.activeAt() ? x : y);
            } catch (SmaFormatException e) {
                refused.increment();
                LOG.warn("refusing message uid {} in {}: {}", m.uid(), FOLDER, e.getMessage());
            }
        }
        return out;
    }

    /** Creates both folders, appends {@code a}, then deletes this device's older announcements. */
    void publish(Announcement a, OpenPGPKey deviceKey, Clock clock) throws CryptoException {
        store.createFolder(FOLDER);
        try {
            store.createFolder(SmaFolders.deviceFolder(a.deviceId()));
        } catch (SmaFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        String messageId = a.header().messageId();
        if (store.search(FOLDER, "Message-ID", messageId).isEmpty()) store.append(FOLDER, a.toMessage(deviceKey, crypto, clock));
        remove(a.deviceId(), messageId);
    }

    /** Deletes every announcement of {@code deviceId} except the one with {@code keepMessageId} (may be null). */
    void remove(String deviceId, String keepMessageId) {
        if (!store.listFolders().contains(FOLDER)) return;
        List<Long> old = new ArrayList<>();
        for (StoredMessage m : store.fetch(FOLDER, UidRange.all(), Fetch.HEADERS)) {
            try {
                SmaHeader h = SmaMessage.header(m);
                boolean keep = keepMessageId != null && m.header("Message-ID").contains(keepMessageId);
                if (h.kind() == SmaHeader.Kind.ANNOUNCE && h.device().equals(deviceId) && !keep) old.add(m.uid());
            } catch (SmaFormatException e) {
                // not ours to judge here; read() counts it
            }
        }
        if (!old.isEmpty()) store.delete(FOLDER, old);
    }
}
