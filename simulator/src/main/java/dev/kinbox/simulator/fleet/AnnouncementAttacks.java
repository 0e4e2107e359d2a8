package dev.kinbox.simulator.fleet;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.Flag;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.mail.UidRange;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaFormatException;
import dev.kinbox.journal.sma.SmaHeader;
import dev.kinbox.journal.sma.SmaMessage;
import dev.kinbox.simulator.workload.HostileAct;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * The hostile provider's acts on {@code _Autocrypt_SMA} ({@link HostileAct#onAnnouncements()}): a
 * forged retirement notice naming the victim, its announcement altered, replayed or deleted, a
 * notice naming it deleted, a forged retirement roll, and its own roll deleted. Notices and rolls are
 * written from the wire format (docs/PROTOCOL.md, "Removal and expiry", "Retirement rolls"), as an
 * attacker would, and signed by the provider's key. What the devices must do:
 * refuse the forgery (no device retires, none stops), write a deleted notice again while it is
 * needed, and live with announcements that vanish (a newcomer that finds none bootstraps on its own,
 * docs/PROTOCOL.md "Announcements and bootstrap"). Thread-safe; acts about devices of different accounts
 * run side by side (the caller, {@link HostileLedger}, runs one act per account at a time): one lock
 * around every act made each wait for those of all 25 accounts of a run, about a second an act.
 */
final class AnnouncementAttacks {
    private static final String FOLDER = SmaFolders.ANNOUNCEMENTS;

    private final Crypto crypto;
    private final Clock clock;
    private final OpenPGPKey key;
    /** The first announcement seen of each device, to replay once the device has replaced it. */
    private final Map<String, byte[]> firstSeen = new ConcurrentHashMap<>();
    /** Notices forged so far naming each device: the next one's author alternates per device, whatever other accounts do. */
    private final Map<String, Long> forged = new ConcurrentHashMap<>();
    /** Rolls forged so far about each device, alternating in the same way. */
    private final Map<String, Long> forgedRolls = new ConcurrentHashMap<>();

    AnnouncementAttacks(Crypto crypto, Clock clock, OpenPGPKey key) {
        this.crypto = crypto;
        this.clock = clock;
        this.key = key;
    }

    /**
     * Carries out {@code act} about {@code victimId}; {@code siblingIds}: the ids of the other devices of
     * its account (a forged notice is in the name of one of them, or of the victim itself, in turn).
     * False when there was nothing to act on (no folder, no announcement of the victim or notice naming it,
     * nothing older to replay).
     */
    boolean act(ProviderAccess access, String victimId, List<String> siblingIds, HostileAct act) throws CryptoException {
        if (act == HostileAct.FORGE_NOTICE) {
            if (!access.mailbox().listFolders().contains(FOLDER)) return false; // no device has announced itself yet
            try {
                access.inject(FOLDER, notice(victimId, siblingIds));
            } catch (MailStoreException.FolderMissing goneMeanwhile) {
                return false;
            }
            return true;
        }
        if (act == HostileAct.FORGE_ROLL) {
            if (!access.mailbox().listFolders().contains(FOLDER)) return false;
            try {
                access.inject(FOLDER, roll(victimId, siblingIds));
            } catch (MailStoreException.FolderMissing goneMeanwhile) {
                return false;
            }
            return true;
        }
        if (act == HostileAct.DELETE_NOTICE || act == HostileAct.DELETE_ROLL) {
            List<StoredMessage> notices = ofTheVictim(access.mailbox(), victimId, act == HostileAct.DELETE_ROLL ? About.ROLLS : About.NOTICES);
            if (notices.isEmpty()) return false;
            try {
                access.delete(FOLDER, notices.get(notices.size() - 1).uid());
            } catch (MailStoreException.InvalidRequest | MailStoreException.FolderMissing goneMeanwhile) {
                return false;
            }
            return true;
        }
        List<StoredMessage> announcements = ofTheVictim(access.mailbox(), victimId, About.ANNOUNCEMENTS);
        if (!announcements.isEmpty()) firstSeen.putIfAbsent(victimId, announcements.get(0).raw());
        byte[] first = firstSeen.get(victimId);
        try {
            if (act == HostileAct.REPLAY_ANNOUNCE) {
                if (first == null || stillThere(first, announcements)) return false; // nothing older than what is there
                access.inject(FOLDER, NewMessage.of(first, Flag.SEEN));
                return true;
            }
            if (announcements.isEmpty()) return false;
            StoredMessage newest = announcements.get(announcements.size() - 1);
            switch (act) {
                case ALTER_ANNOUNCE -> access.alter(FOLDER, newest.uid(), HostileProvider::flipBodyByte);
                case DELETE_ANNOUNCE -> access.delete(FOLDER, newest.uid());
                default -> throw new IllegalArgumentException(act + " is not an act on " + FOLDER);
            }
        } catch (MailStoreException.InvalidRequest | MailStoreException.FolderMissing changedMeanwhile) {
            return false; // the device replaced its announcement since the listing, or the folder went: nothing to act on now
        }
        return true;
    }

    /**
     * A notice that {@code victimId} was retired, in turn by the victim itself ({@code left}) and by one of
     * {@code siblingIds} ({@code removed}), {@code At} now, signed by the provider's key.
     */
    private NewMessage notice(String victimId, List<String> siblingIds) throws CryptoException {
        long n = forged.merge(victimId, 1L, Long::sum) - 1;
        boolean self = siblingIds.isEmpty() || n % 2 == 0;
        String by = self ? victimId : siblingIds.get((int) (n / 2 % siblingIds.size()));
        String text = "Kinbox-Retire: 1\nDevice: " + victimId + "\nBy: " + by + "\nAt: " + clock.millis() + "\nReason: "
                + (self ? "left" : "removed") + "\n";
        byte[] signed = signedByTheProvider(text);
        return SmaMessage.build(SmaHeader.of(SmaHeader.Kind.DROP, by, Map.of("type", "retire", "retired", victimId)), signed, clock);
    }

    /**
     * A retirement roll, in turn in {@code victimId}'s own name listing {@code siblingIds} (the victim, which alone can
     * tell, deletes it) and in one of theirs listing the victim, {@code At} now, signed by the provider's key; always in
     * a sibling's name when the victim has none to list.
     */
    private NewMessage roll(String victimId, List<String> siblingIds) throws CryptoException {
        long n = forgedRolls.merge(victimId, 1L, Long::sum) - 1;
        boolean self = !siblingIds.isEmpty() && n % 2 == 0;
        String by = self ? victimId : siblingIds.isEmpty() ? dev.kinbox.journal.Keyring.deviceIdOf(key.toCertificate())
                : siblingIds.get((int) (n / 2 % siblingIds.size()));
        String listed = self ? String.join(",", new java.util.TreeSet<>(siblingIds)) : victimId;
        long at = clock.millis();
        String text = "Kinbox-Roll: 1\nBy: " + by + "\nAt: " + at + "\nRetired: " + listed + "\n";
        byte[] signed = signedByTheProvider(text);
        return SmaMessage.build(SmaHeader.of(SmaHeader.Kind.DROP, by, Map.of("type", "roll", "at", Long.toString(at))), signed, clock);
    }

    /** {@code text} signed by the provider's key, not encrypted: how a forged notice or roll looks on the wire. */
    private byte[] signedByTheProvider(String text) throws CryptoException {
        return crypto.encryptAndSign(text.getBytes(StandardCharsets.UTF_8), List.of(), List.of(key), false);
    }

    /** What of the victim's {@link #ofTheVictim} lists. */
    private enum About {
        /** its announcements */
        ANNOUNCEMENTS,
        /** the retirement notices naming it, by any author */
        NOTICES,
        /** the rolls in its name */
        ROLLS;

        boolean matches(SmaHeader h, String victimId) {
            boolean drop = h.kind() == SmaHeader.Kind.DROP;
            return switch (this) {
                case ANNOUNCEMENTS -> h.kind() == SmaHeader.Kind.ANNOUNCE && h.device().equals(victimId);
                case NOTICES -> drop && "retire".equals(h.attributes().get("type")) && victimId.equals(h.attributes().get("retired"));
                case ROLLS -> drop && "roll".equals(h.attributes().get("type")) && h.device().equals(victimId);
            };
        }
    }

    /** The victim's messages {@code about} says, oldest UID first; none when the folder is missing or changed during the listing. */
    private static List<StoredMessage> ofTheVictim(MailStore store, String victimId, About about) {
        List<StoredMessage> listing;
        try {
            if (!store.listFolders().contains(FOLDER)) return List.of();
            listing = store.fetch(FOLDER, UidRange.all(), Fetch.FULL);
        } catch (MailStoreException.FolderMissing | MailStoreException.CommandRefused changedMeanwhile) {
            return List.of();
        }
        List<StoredMessage> out = new ArrayList<>();
        for (StoredMessage m : listing) {
            if (m.vanished()) continue;
            try {
                if (about.matches(SmaMessage.header(m), victimId)) out.add(m);
            } catch (SmaFormatException notOurs) {
                // an earlier alteration of a header, or a stranger's message
            }
        }
        return out;
    }

    private static boolean stillThere(byte[] raw, List<StoredMessage> announcements) {
        for (StoredMessage m : announcements) if (java.util.Arrays.equals(m.raw(), raw)) return true;
        return false;
    }
}
