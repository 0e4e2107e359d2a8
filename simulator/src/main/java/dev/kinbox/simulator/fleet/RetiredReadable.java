package dev.kinbox.simulator.fleet;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.crypto.Decrypted;
import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaFormatException;
import dev.kinbox.journal.sma.SmaHeader;
import dev.kinbox.journal.sma.SmaMessage;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.DeviceEvent;
import dev.kinbox.persistence.DeviceRecord;
import dev.kinbox.persistence.crdt.DeviceStatus;
import dev.kinbox.simulator.trace.JournalEntry;
import dev.kinbox.simulator.workload.DeviceRef;
import java.util.List;

/**
 * Whether a retired device could still read what a sibling wrote after retiring it - the simulator
 * holds every key, so it simply tries. {@code retiredAt} is the sequence number of the entry of
 * {@code writer}'s journal where its state first had the device retired (-1: never, nothing was
 * checked); {@code checked} the journal entries and snapshots in {@code writer}'s folder that start
 * more than {@link #batchMargin} past it (the retirement and anything persisted in the same batch may
 * be uploaded before the keyring saw it); {@code readable} those of them that open with the retired
 * device's key and carry {@code writer}'s valid signature (entries the provider forged in its name do not count).
 */
public record RetiredReadable(long retiredAt, int checked, int readable) {
    public RetiredReadable {
        if (retiredAt < -1 || checked < 0 || readable < 0 || readable > checked) {
            throw new IllegalArgumentException("readable " + readable + " of " + checked + " checked past " + retiredAt);
        }
    }

    /** Entries past the retirement not checked: the most one persist batch holds (a liveness check's refresh plus one retirement per slot). */
    public static int batchMargin(int slots) { return slots + 1; }

    /** Looks at {@code writer}'s journal and folder (one connection of {@code stores}, closed again). */
    static RetiredReadable audit(Roster roster, DeviceRef writer, DeviceRef retired, List<JournalEntry> journal, AccountStores stores, Crypto crypto)
            throws Fleet.FleetException {
        String retiredId = roster.device(retired).deviceId();
        long at = -1;
        for (JournalEntry e : journal) {
            if (e instanceof JournalEntry.Applied a && retires(a.event(), retiredId)
                    || e instanceof JournalEntry.Merged m && retired(m.state().devices().get(retiredId))) {
                at = e.seq();
                break;
            }
        }
        if (at < 0) return new RetiredReadable(-1, 0, 0);
        long after = at + batchMargin(roster.accounts().get(writer.account()).devices().size());
        Roster.Device w = roster.device(writer);
        int checked = 0;
        int readable = 0;
        try (MailStore store = stores.connect(writer.account())) {
            String folder = SmaFolders.deviceFolder(w.deviceId());
            if (!store.listFolders().contains(folder)) return new RetiredReadable(at, 0, 0);
            for (StoredMessage m : store.fetch(folder, UidRange.all(), Fetch.FULL)) {
                if (m.vanished()) continue; // expunged by the writer while we fetched (Dovecot answers it blank)
                SmaHeader h = SmaMessage.header(m);
                String first = h.kind() == SmaHeader.Kind.JOURNAL ? h.attributes().get("from")
                        : h.kind() == SmaHeader.Kind.SNAPSHOT ? h.attributes().get("seq") : null;
                if (first == null || Long.parseLong(first) <= after) continue;
                checked++;
                if (opens(crypto, SmaMessage.body(m, 1 << 24), roster.device(retired), w)) readable++;
            }
        } catch (SmaFormatException | RuntimeException e) {
            throw new Fleet.FleetException("cannot read the folder of " + writer + ": " + e.getMessage(), e);
        }
        return new RetiredReadable(at, checked, readable);
    }

    private static boolean opens(Crypto crypto, byte[] body, Roster.Device reader, Roster.Device author) {
        try {
            Decrypted d = crypto.decryptAndVerify(body, List.of(reader.key()), List.of(author.key().toCertificate()));
            return !d.verifiedSigners().isEmpty();
        } catch (CryptoException e) {
            return false; // not sealed to the reader
        }
    }

    private static boolean retires(AccountEvent e, String deviceId) {
        return e instanceof DeviceEvent.DeviceRetired r && r.deviceId().equals(deviceId);
    }

    private static boolean retired(DeviceRecord r) { return r != null && r.status() == DeviceStatus.RETIRED; }
}
