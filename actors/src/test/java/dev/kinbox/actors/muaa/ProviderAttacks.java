package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.JournalStats;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.KinboxCodec;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;

/**
 * The provider's attacks on three paired devices of one account (issue 6, "Tests"), each on any
 * {@link MailStore}: run by {@link ProviderAttackTest} on the hostile memory store and by
 * {@link ProviderAttackDovecotIT} on Dovecot. Every attack checks that nothing was applied (the
 * devices' states never hold {@link Provider#PAYLOAD}; where the attack could only repeat or remove
 * honest data, nothing was persisted or the loss healed), that it was counted, and that honest
 * concurrent edits afterwards converge on all three devices.
 */
final class ProviderAttacks implements AutoCloseable {
    static final String ACCOUNT = "pat@example.org";
    /** Small, so that a snapshot (which heals withheld entries) comes after a few edits. */
    static final int SNAPSHOT_EVERY = 5;
    private static final KinboxCodec CODEC = new KinboxCodec();

    final MailStore store;
    final Provider provider;
    final List<Device> devices;

    /** Three paired devices on {@code store}; the provider works through {@code providerStore} (the same account, maybe its own connection). */
    ProviderAttacks(MailStore store, MailStore providerStore) throws Exception {
        this.store = store;
        this.provider = new Provider(providerStore);
        this.devices = new ArrayList<>(Accounts.paired(store, ACCOUNT, Clock.systemUTC(), RemovalTest.FAST_CHECK, 3, SNAPSHOT_EVERY));
    }

    Device a() { return devices.get(0); }

    List<Device> siblingsOfA() { return devices.subList(1, 3); }

    List<OpenPGPCertificate> certificates() {
        return devices.stream().map(d -> d.key.toCertificate()).toList();
    }

    /** Honest concurrent edits on every device, then: converged, each device's own value everywhere, no attacker payload. */
    void honestEditsConverge(String round) throws InterruptedException {
        for (Device d : devices) d.<AccountEvent>ask(r -> new Muaa.ChangeSetting("own-" + d.id, round, r));
        for (Device d : devices) d.<AccountEvent>ask(r -> new Muaa.ChangeSetting("shared", d.id + "-" + round, r));
        Convergence.await(devices);
        for (Device d : devices) {
            for (Device o : devices) assertEquals(round, d.state().settings().get("own-" + o.id).value(), d.id + " has " + o.id + "'s edit");
            assertClean(d);
            assertEquals(2, d.keyring.siblings().size(), "nobody but the two siblings is trusted");
        }
    }

    static void assertClean(Device d) {
        String encoded = new String(CODEC.encode(d.state()), StandardCharsets.ISO_8859_1);
        assertFalse(encoded.contains(Provider.PAYLOAD), d.id + "'s state holds the provider's payload");
    }

    static long counter(Device d, ToLongFunction<JournalStats> which) {
        return which.applyAsLong(d.journalStats());
    }

    static void awaitCounter(List<Device> ds, String what, ToLongFunction<JournalStats> which, long[] before, long atLeast)
            throws InterruptedException {
        for (int i = 0; i < ds.size(); i++) {
            Device d = ds.get(i);
            long base = before[i];
            Eventually.until(d.id + " counts " + what, Duration.ofSeconds(15), () -> counter(d, which) - base >= atLeast,
                    () -> "(saw " + (counter(d, which) - base) + ")");
        }
    }

    static long[] snapshot(List<Device> ds, ToLongFunction<JournalStats> which) {
        return ds.stream().mapToLong(d -> counter(d, which)).toArray();
    }

    /** Closes the siblings of a (they are offline while the provider works), returning nothing. */
    void siblingsOffline() {
        for (Device d : siblingsOfA()) d.close();
    }

    /** The siblings of a come back (same keys and local logs) and start. */
    void siblingsBack() {
        for (int i = 1; i < devices.size(); i++) back(i);
    }

    /** Device {@code i}, closed before, comes back (same key and local log) and starts; returns it. */
    Device back(int i) {
        Device back = devices.get(i).restart();
        devices.set(i, back);
        assertTrue(back.start("device-" + i) instanceof StartOutcome.Running, "a device coming back runs");
        return back;
    }

    /** a's persisted events so far (its journal's highest sequence number). */
    long highestSeq(Device d) {
        return d.log.highestSequenceNr(d.pid());
    }

    /**
     * Edits on {@code d} until its journal's highest sequence number is a multiple of
     * {@link #SNAPSHOT_EVERY} (a snapshot is taken there), then waits until that snapshot compacted
     * d's entries away. Returns that sequence number.
     *
     * <p>The snapshot at that number is saved before the reply to the edit that reached it, but on its
     * own time when a sibling's event replicated into d's journal (local-only, as the setup's last
     * events may be) reached it, and {@link Device#awaitUploaded} only covers snapshots already saved:
     * so first wait for it locally; after awaitUploaded its upload and the compaction are done, and
     * the last wait only sees the server catch up. If entries stay, the failure names them.
     */
    long padToSnapshot(Device d) throws Exception {
        for (int i = 0; i < SNAPSHOT_EVERY && highestSeq(d) % SNAPSHOT_EVERY != 0; i++) set(d, "pad", Long.toString(highestSeq(d)));
        long h = highestSeq(d);
        assertEquals(0, h % SNAPSHOT_EVERY, "padded to a snapshot");
        Eventually.until(d.id + " saves its snapshot " + h, Duration.ofSeconds(15), () -> latestSnapshot(d) >= h,
                () -> "(its newest is " + latestSnapshot(d) + ")");
        d.awaitUploaded();
        String[] left = {"nothing read yet"};
        Eventually.until(d.id + "'s snapshot " + h + " compacts its entries", Duration.ofSeconds(15), () -> {
            try {
                List<StoredMessage> entries = provider.entries(d.id);
                left[0] = describe(entries);
                return entries.isEmpty();
            } catch (Exception e) {
                left[0] = "reading them failed: " + e;
                return false;
            }
        }, () -> "(left on the server: " + left[0] + "; highest sequence number " + highestSeq(d) + ", newest local snapshot "
                + latestSnapshot(d) + ", upload failures " + d.journalStats().uploadFailures.sum() + ")");
        return h;
    }

    private static long latestSnapshot(Device d) {
        return d.log.latestSnapshot(d.pid(), Long.MAX_VALUE).map(s -> s.sequenceNr()).orElse(0L);
    }

    /** Journal entries as "uid U: from-to", for a failure message. */
    private static String describe(List<StoredMessage> entries) throws Exception {
        List<String> out = new ArrayList<>();
        for (StoredMessage m : entries) {
            var a = dev.kinbox.journal.sma.SmaMessage.header(m).attributes();
            out.add("uid " + m.uid() + ": " + a.get("from") + "-" + a.get("to"));
        }
        return out.toString();
    }

    void set(Device d, String key, String value) {
        d.<AccountEvent>ask(r -> new Muaa.ChangeSetting(key, value, r));
    }

    /**
     * One edit that becomes one journal entry of its own: the uploader puts every event persisted
     * before its run starts into one message, so two quick edits can share an entry (seen on a
     * loaded CI machine) - waiting for the upload between them keeps them apart.
     */
    void setUploadedApart(Device d, String key, String value) throws InterruptedException {
        d.awaitUploaded();
        set(d, key, value);
        d.awaitUploaded();
    }

    /** a's journal entries on the server, newest last. */
    List<StoredMessage> entriesOfA() throws Exception {
        return provider.entries(a().id);
    }

    String folderOfA() throws Exception {
        return SmaFolders.deviceFolder(a().id);
    }

    static void assertPaired(Device d, String other, boolean paired) {
        var rec = d.state().devices().get(other);
        assertEquals(paired, rec != null && rec.status() == DeviceStatus.PAIRED, d.id + " has " + other + (paired ? "" : " not") + " as paired");
    }

    @Override public void close() {
        Accounts.closeAll(devices);
    }
}
