package dev.kinbox.actors.remailer;

import dev.kinbox.journal.mail.StoredMessage;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaFormatException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The claim folders of a list's instances and the lease after which a claim left by another instance
 * (which presumably died) is taken over. When a message was first seen in another instance's folder
 * is this instance's own observation (the injected clock), since IMAP keeps no claim time.
 *
 * @param own    this instance's claim folder
 * @param others the other instances' claim folders
 * @param lease  how long another instance's claim is left alone
 * @param clock  time source
 */
public record Claims(String own, List<String> others, Duration lease, Clock clock, Map<String, Map<Long, Instant>> firstSeen) {
    public Claims {
        others = List.copyOf(others);
        if (lease.isNegative()) throw new IllegalArgumentException("lease must not be negative");
    }

    /** The claim folders of {@code instanceId} and its siblings for a list. */
    public static Claims of(String listAddress, String instanceId, List<String> siblingIds, Duration lease, Clock clock) {
        List<String> others = new ArrayList<>();
        for (String s : siblingIds) others.add(folder(listAddress, s));
        return new Claims(folder(listAddress, instanceId), others, lease, clock, new HashMap<>());
    }

    /** {@code SmaFolders.folderFor("remailer-claims|<list>|<instance>")}: a {@code _Autocrypt_SMA_x_} folder. */
    public static String folder(String listAddress, String instanceId) {
        try {
            return SmaFolders.folderFor("remailer-claims|" + listAddress + "|" + instanceId);
        } catch (SmaFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** UIDs in {@code folder} that this instance has seen there for longer than the lease. */
    synchronized List<Long> stale(String folder, List<StoredMessage> present) {
        Instant now = clock.instant();
        Map<Long, Instant> seen = firstSeen.computeIfAbsent(folder, f -> new HashMap<>());
        Map<Long, Instant> next = new HashMap<>();
        List<Long> out = new ArrayList<>();
        for (StoredMessage m : present) {
            Instant t = seen.getOrDefault(m.uid(), now);
            next.put(m.uid(), t);
            if (!now.isBefore(t.plus(lease))) out.add(m.uid());
        }
        firstSeen.put(folder, next);
        return out;
    }
}
