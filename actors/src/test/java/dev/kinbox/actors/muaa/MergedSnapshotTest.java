package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.Keyring;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.DeviceEvent;
import dev.kinbox.persistence.SettingsEvent;
import dev.kinbox.persistence.crdt.Bytes;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.persistence.store.StoredSnapshot;
import java.time.Clock;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.Test;

/**
 * A device snapshots after a merged sibling snapshot only when the merge pairs a device it did not
 * count as a sibling (the newcomer can open what it sealed before only through that snapshot); a
 * merge that brings edits alone is not followed by a snapshot sealed to every sibling.
 */
class MergedSnapshotTest {
    private static final String ACCOUNT = "mo@example.org";

    @Test void aMergeBringingOnlyEdits_takesNoSnapshot_butOnePairingANewSibling_does() throws Exception {
        MemoryMailStore store = new MemoryMailStore();
        List<Device> all = Accounts.paired(store, ACCOUNT, Clock.systemUTC(), Device.FAST, 2);
        try {
            Device a = all.get(0), b = all.get(1);
            b.awaitUploaded(); // the pairing's snapshots are taken and uploaded
            long now = System.currentTimeMillis();
            AccountState edited = b.state().apply(new SettingsEvent.SettingChanged(new Dot(a.id, 1000), new Hlc(now, 0, a.id), "signature", "-- a"));

            long before = b.log.highestSequenceNr(b.pid());
            long after = merge(b, edited);
            assertTrue(after > before, "the merge was persisted");

            OpenPGPKey c = Crypto.standard().generateKey("<c@kinbox.invalid>");
            String cId = Keyring.deviceIdOf(c.toCertificate());
            AccountState withC = edited
                    .apply(new DeviceEvent.DeviceAnnounced(new Dot(cId, 1), new Hlc(now + 1, 0, cId), cId, Bytes.of(c.toCertificate().getEncoded()), "c"))
                    .apply(new DeviceEvent.DevicePaired(new Dot(a.id, 1001), new Hlc(now + 2, 0, a.id), cId, a.id));
            merge(b, withC);
            Eventually.until("a snapshot after the merge that paired c", () -> latestSnapshot(b, Long.MAX_VALUE) > after);
            assertTrue(latestSnapshot(b, after) <= before,
                    "no snapshot after the merge that brought only an edit: " + latestSnapshot(b, after) + " in (" + before + ", " + after + "]");
        } finally {
            all.forEach(Device::close);
        }
    }

    /** Merges {@code s} into {@code d}'s state; returns its journal's highest number once the merge is applied. */
    private static long merge(Device d, AccountState s) {
        TestProbe<Done> applied = d.kit.createTestProbe();
        d.muaa.tell(new Muaa.Merge(s, applied.getRef()));
        applied.receiveMessage(Device.WAIT);
        return d.log.highestSequenceNr(d.pid());
    }

    private static long latestSnapshot(Device d, long atMost) {
        return d.log.latestSnapshot(d.pid(), atMost).map(StoredSnapshot::sequenceNr).orElse(0L);
    }
}
