package dev.kinbox.simulator.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.Keyring;
import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.simulator.workload.HostileAct;
import java.time.Clock;
import java.util.List;
import java.util.function.UnaryOperator;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The provider's acts when the victim's folder changes under its listing: nothing done, counted as nothing to act on. */
class HostileProviderTest {
    private static final Crypto CRYPTO = Crypto.standard();
    /** Nobody listening to what the provider is about to do. */
    private static final HostileProvider.Intent NO_INTENT = new HostileProvider.Intent() {
        @Override public void withholding(HostileProvider.Withheld entry) { }

        @Override public void planting(long seq) { }
    };
    /** The acts on the victim's folder (those on {@code _Autocrypt_SMA}: AnnouncementAttacksTest). */
    private static final List<HostileAct> ON_THE_FOLDER = java.util.Arrays.stream(HostileAct.values()).filter(a -> !a.onAnnouncements()).toList();
    private static OpenPGPKey victimKey;
    private static String victimId;
    private static String folder;

    @BeforeAll
    static void keys() throws Exception {
        victimKey = CRYPTO.generateKey("<d0@kinbox.invalid>");
        victimId = Keyring.deviceIdOf(victimKey.toCertificate());
        folder = SmaFolders.deviceFolder(victimId);
    }

    @Test
    void forgesIntoAnUndisturbedFolder() throws Exception {
        MemoryMailStore store = storeWithFolder();
        assertTrue(act(store, store, HostileAct.FORGE).acted());
        assertEquals(1, messages(store));
    }

    @Test
    void aListingRefusedBecauseTheDeviceExpungedMeanwhileIsNothingToActOn() throws Exception {
        MemoryMailStore store = storeWithFolder();
        MailStore refusing = onFetch(store, () -> {
            throw new MailStoreException.CommandRefused("fetch: server said NO UID failed. No such message", null);
        });
        for (HostileAct act : ON_THE_FOLDER) assertFalse(act(refusing, store, act).acted(), act + " acted on a listing it never got");
        assertEquals(0, messages(store));
    }

    @Test
    void aFolderDeletedDuringTheListingIsNothingToActOn() throws Exception {
        MemoryMailStore store = storeWithFolder();
        MailStore retiring = onFetch(store, () -> {
            if (store.listFolders().contains(folder)) store.deleteFolder(folder);
        });
        assertFalse(act(retiring, store, HostileAct.INJECT).acted());
        assertFalse(store.listFolders().contains(folder));
    }

    @Test
    void aFolderDeletedAfterTheListing_beforeTheActsCommand_isNothingToActOn() throws Exception {
        for (HostileAct act : ON_THE_FOLDER) {
            MemoryMailStore store = storeWithFolder();
            assertTrue(act(store, store, HostileAct.FORGE).acted(), "an entry of the victim's to alter, delete or replay");
            ProviderAccess hooks = ProviderAccess.of(store);
            Runnable retire = () -> store.deleteFolder(folder); // the device's siblings retired it and purged its folder
            ProviderAccess late = new ProviderAccess() {
                @Override public MailStore mailbox() { return store; }
                @Override public long inject(String f, NewMessage m) {
                    retire.run();
                    return hooks.inject(f, m);
                }
                @Override public void delete(String f, long uid) {
                    retire.run();
                    hooks.delete(f, uid);
                }
                @Override public void alter(String f, long uid, UnaryOperator<byte[]> change) {
                    retire.run();
                    hooks.alter(f, uid, change);
                }
            };
            HostileProvider.Outcome done = provider().act(late, "a0", victimId, victimKey, List.of(victimKey.toCertificate()), act, NO_INTENT);
            assertFalse(done.acted(), act + " acted on a folder that was gone");
            assertFalse(store.listFolders().contains(folder), act + " brought the folder back");
        }
    }

    @Test
    void theIntentIsToldBeforeTheCommand_soAForgeryWhoseReplyIsLostIsStillRecorded() throws Exception {
        MemoryMailStore store = storeWithFolder();
        ProviderAccess hooks = access(store, store);
        ProviderAccess replyLost = new ProviderAccess() {
            @Override public MailStore mailbox() { return store; }
            @Override public long inject(String f, NewMessage m) {
                hooks.inject(f, m);
                throw new MailStoreException.ConnectionLost("APPEND: connection lost (the server restarted)", null);
            }
            @Override public void delete(String f, long uid) { hooks.delete(f, uid); }
            @Override public void alter(String f, long uid, UnaryOperator<byte[]> change) { hooks.alter(f, uid, change); }
        };
        java.util.List<Long> planted = new java.util.ArrayList<>();
        HostileProvider.Intent intent = new HostileProvider.Intent() {
            @Override public void withholding(HostileProvider.Withheld entry) { }
            @Override public void planting(long seq) { planted.add(seq); }
        };
        org.junit.jupiter.api.Assertions.assertThrows(MailStoreException.ConnectionLost.class,
                () -> provider().act(replyLost, "a0", victimId, victimKey, List.of(victimKey.toCertificate()), HostileAct.FORGE, intent));
        assertEquals(List.of(1L), planted, "the planted sequence number was recorded before the APPEND");
        assertEquals(1, messages(store), "the forgery is stored though the provider saw an error");
    }

    @Test
    void overImap_aMessageExpungedBeforeItsAlteration_comingBackBlank_isNoMessageToAlter() {
        MemoryMailStore store = storeWithFolder();
        long uid = store.append(folder, NewMessage.of(("Subject: x\r\nMessage-ID: <x@kinbox.invalid>\r\n\r\nbody\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        // Dovecot, for a message another session expunged after this one listed it: an empty header block
        MailStore blanking = new dev.kinbox.journal.mail.ForwardingMailStore(store) {
            @Override public List<dev.kinbox.journal.mail.StoredMessage> fetch(String f, UidRange range, dev.kinbox.journal.mail.Fetch what) {
                return super.fetch(f, range, what).stream().map(m -> new dev.kinbox.journal.mail.StoredMessage(m.uid(), m.flags(), 2,
                        "\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), new byte[0])).toList();
            }
        };
        ProviderAccess imap = ProviderAccess.overImap(blanking);
        org.junit.jupiter.api.Assertions.assertThrows(MailStoreException.InvalidRequest.class,
                () -> imap.alter(folder, uid, HostileProvider::flipBodyByte), "taken for gone, not altered (it failed inside the alteration before)");
        assertEquals(1, messages(store), "nothing appended or expunged");
    }

    /**
     * The device compacts its folder between the provider's FETCH of its newest entry and the provider's UID EXPUNGE of
     * it, and the server refuses to expunge what is gone, as GreenMail does (NO "No such message"). Seen as a step error
     * of a hostile run (`--seed 21 --hostile-per-day 24`): the alteration failed though its altered copy was in.
     */
    @Test
    void overImap_aMessageTheDeviceExpungesDuringTheAlteration_isAlteredAllTheSame() {
        MemoryMailStore store = storeWithFolder();
        long uid = store.append(folder, NewMessage.of(message()));
        ProviderAccess imap = ProviderAccess.overImap(refusingToExpungeWhatIsGone(store));
        imap.alter(folder, uid, raw -> {
            store.delete(folder, List.of(uid)); // the device's compaction, while the provider alters
            return HostileProvider.flipBodyByte(raw);
        });
        assertEquals(1, messages(store), "the altered copy is in, the original gone");
    }

    @Test
    void overImap_aMessageTheDeviceExpungesBeforeItsDeletion_isNoMessageToDelete() {
        MemoryMailStore store = storeWithFolder();
        long uid = store.append(folder, NewMessage.of(message()));
        MailStore session = new dev.kinbox.journal.mail.ForwardingMailStore(refusingToExpungeWhatIsGone(store)) {
            @Override public List<dev.kinbox.journal.mail.StoredMessage> fetch(String f, UidRange range, Fetch what) {
                List<dev.kinbox.journal.mail.StoredMessage> found = super.fetch(f, range, what);
                store.delete(folder, List.of(uid)); // the device's compaction, right after the provider looked
                return found;
            }
        };
        org.junit.jupiter.api.Assertions.assertThrows(MailStoreException.InvalidRequest.class,
                () -> ProviderAccess.overImap(session).delete(folder, uid), "nothing to act on, not a failure");
    }

    @Test
    void overImap_anExpungeRefusedForAnotherReason_isStillAFailure() {
        MemoryMailStore store = storeWithFolder();
        long uid = store.append(folder, NewMessage.of(message()));
        MailStore readOnly = new dev.kinbox.journal.mail.ForwardingMailStore(store) {
            @Override public void delete(String f, java.util.Collection<Long> uids) {
                throw new MailStoreException.CommandRefused("EXPUNGE " + f + ": server said NO [READ-ONLY]", null);
            }
        };
        org.junit.jupiter.api.Assertions.assertThrows(MailStoreException.CommandRefused.class,
                () -> ProviderAccess.overImap(readOnly).delete(folder, uid));
        assertEquals(1, messages(store));
    }

    /** {@code store} answering a UID EXPUNGE of a message no longer there as GreenMail does: NO. */
    private static MailStore refusingToExpungeWhatIsGone(MemoryMailStore store) {
        return new dev.kinbox.journal.mail.ForwardingMailStore(store) {
            @Override public void delete(String f, java.util.Collection<Long> uids) {
                java.util.Set<Long> there = new java.util.HashSet<>();
                for (var m : store.fetch(f, UidRange.all(), Fetch.HEADERS)) there.add(m.uid());
                for (long u : uids) {
                    if (!there.contains(u)) {
                        throw new MailStoreException.CommandRefused("EXPUNGE " + f + ": server said NO UID failed. No such message with uid " + u, null);
                    }
                }
                super.delete(f, uids);
            }
        };
    }

    private static byte[] message() {
        return "Subject: x\r\nMessage-ID: <x@kinbox.invalid>\r\n\r\nbody\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** The provider does {@code act} to the victim's folder, reading through {@code reading}, writing to {@code store}. */
    private static HostileProvider.Outcome act(MailStore reading, MemoryMailStore store, HostileAct act) throws Exception {
        return provider().act(access(reading, store), "a0", victimId, victimKey, List.of(victimKey.toCertificate()), act, NO_INTENT);
    }

    /** {@code store}, doing {@code meanwhile} as each FETCH arrives. */
    private static MailStore onFetch(MemoryMailStore store, Runnable meanwhile) {
        return new GuardedStore(store) {
            @Override void enter(String op) {
                if (op.equals("FETCH")) meanwhile.run();
            }
        };
    }

    private static HostileProvider provider() throws Exception {
        return new HostileProvider(CRYPTO, Clock.systemUTC());
    }

    private static MemoryMailStore storeWithFolder() {
        MemoryMailStore store = new MemoryMailStore();
        store.createFolder(folder);
        return store;
    }

    private static int messages(MemoryMailStore store) {
        return store.fetch(folder, UidRange.all(), Fetch.HEADERS).size();
    }

    /** Reads through {@code reading}; writes through the memory store's fault hooks. */
    private static ProviderAccess access(MailStore reading, MemoryMailStore store) {
        ProviderAccess hooks = ProviderAccess.of(store);
        return new ProviderAccess() {
            @Override public MailStore mailbox() { return reading; }
            @Override public long inject(String f, NewMessage m) { return hooks.inject(f, m); }
            @Override public void delete(String f, long uid) { hooks.delete(f, uid); }
            @Override public void alter(String f, long uid, UnaryOperator<byte[]> change) { hooks.alter(f, uid, change); }
        };
    }
}
