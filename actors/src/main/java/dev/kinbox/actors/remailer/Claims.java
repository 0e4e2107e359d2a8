package dev.kinbox.actors.remailer;

import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaFormatException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of a list's claim folders and the lease after which a claim is taken over. One claim
 * folder per inbox message and generation: {@code SmaFolders.folderFor("remailer-claim|<list>|<v>-<uid>-<gen>")}
 * with {@code v} the inbox UIDVALIDITY, {@code uid} the message's inbox UID and {@code gen} 1 for the
 * first claim, one more for each takeover. The name depends only on the message, so every instance
 * tries to create the same folder and {@code MailStore.createFolderExclusive} picks one. See
 * docs/PROTOCOL.md, "Remailer instances".
 *
 * <p>IMAP keeps no creation time, so "older than the lease" is this instance's observation: the
 * injected clock's time when it first listed the folder. A name alone does not identify a folder: a
 * claim folder deleted and created again between two LISTs (an empty claim cleaned up, then its post
 * claimed again under the same name) is a new claim, so each sighting also keeps the folder's
 * UIDVALIDITY, which a server gives every new incarnation of a name. Thread-safe.
 */
public final class Claims {
    private static final String ID_PREFIX = "remailer-claim|";
    private static final Pattern SUFFIX = Pattern.compile("([1-9][0-9]{0,18})-([1-9][0-9]{0,18})-([1-9][0-9]{0,8})");

    /** A claim folder's parts. */
    record Name(long uidValidity, long uid, int gen) {
        /** The inbox message it claims. */
        String message() {
            return uidValidity + "-" + uid;
        }
    }

    private final String listAddress;
    private final String prefix;
    private final Duration lease;
    private final Clock clock;
    /** When this instance first listed a claim folder, and that incarnation's UIDVALIDITY (0: not known yet). */
    private record Sighting(Instant at, long uidValidity) {}

    private final Map<String, Sighting> firstSeen = new HashMap<>();

    private Claims(String listAddress, Duration lease, Clock clock) {
        this.listAddress = Objects.requireNonNull(listAddress);
        this.lease = Objects.requireNonNull(lease);
        this.clock = Objects.requireNonNull(clock);
        if (lease.isNegative()) throw new IllegalArgumentException("lease must not be negative");
        this.prefix = encode(ID_PREFIX + listAddress + "|");
        encode(ID_PREFIX + listAddress + "|" + Long.MAX_VALUE + "-" + Long.MAX_VALUE + "-999999999"); // the longest name must fit
    }

    /**
     * The claims of one list.
     *
     * @throws IllegalArgumentException when the list address is too long for a claim folder name
     */
    public static Claims of(String listAddress, Duration lease, Clock clock) {
        return new Claims(listAddress, lease, clock);
    }

    /** How long a claim is left to the instance that made it. */
    public Duration lease() {
        return lease;
    }

    /** The claim folder of inbox message {@code uid} (inbox UIDVALIDITY {@code uidValidity}) at generation {@code gen}. */
    public String folder(long uidValidity, long uid, int gen) {
        if (uidValidity < 1 || uid < 1 || gen < 1 || gen > 999_999_999) throw new IllegalArgumentException("bad claim " + uidValidity + "-" + uid + "-" + gen);
        return prefix + uidValidity + "-" + uid + "-" + gen; // digits and '-' encode as themselves
    }

    /** The parts of one of this list's claim folders, or empty for any other folder. */
    Optional<Name> parse(String folder) {
        if (!folder.startsWith(prefix)) return Optional.empty();
        Matcher m = SUFFIX.matcher(folder.substring(prefix.length()));
        if (!m.matches()) return Optional.empty();
        return Optional.of(new Name(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Integer.parseInt(m.group(3))));
    }

    /**
     * This list's claim folders among {@code folders} (a LIST result), sorted by name; remembers when
     * each was first seen and forgets folders that are gone.
     */
    synchronized Map<String, Name> observe(Collection<String> folders) {
        Instant now = clock.instant();
        Map<String, Name> out = new TreeMap<>();
        for (String f : folders) parse(f).ifPresent(n -> out.put(f, n));
        firstSeen.keySet().retainAll(out.keySet());
        for (String f : out.keySet()) firstSeen.putIfAbsent(f, new Sighting(now, 0));
        return out;
    }

    /** The listed claim folders whose UIDVALIDITY is not known yet (first listed by the last {@link #observe}). */
    synchronized List<String> unidentified() {
        return firstSeen.entrySet().stream().filter(e -> e.getValue().uidValidity() == 0).map(Map.Entry::getKey).sorted().toList();
    }

    /** Records the UIDVALIDITY of a listed folder whose incarnation is not known yet. */
    synchronized void identify(String folder, long uidValidity) {
        Sighting s = firstSeen.get(folder);
        if (s != null && s.uidValidity() == 0) firstSeen.put(folder, new Sighting(s.at(), uidValidity));
    }

    /**
     * Whether {@code folder}, now with {@code uidValidity}, is still the incarnation this instance first
     * listed. If not (or if that one's UIDVALIDITY is unknown), the folder counts as first seen now, so it
     * is {@link #stale} only a lease later.
     */
    synchronized boolean sameIncarnation(String folder, long uidValidity) {
        Sighting s = firstSeen.get(folder);
        if (s != null && s.uidValidity() == uidValidity && uidValidity != 0) return true;
        firstSeen.put(folder, new Sighting(clock.instant(), uidValidity));
        return false;
    }

    /** The injected clock's time now. */
    Instant now() {
        return clock.instant();
    }

    /**
     * Whether a claim this instance made (or renewed) at {@code claimedAt} may still be acted on: for
     * less than half the lease. Another instance takes a claim over no earlier than a lease after it
     * first listed it, which is after it was made, so the other half is left for the send and the
     * journaling of {@code PostDone} to finish before anyone else may look at the post.
     */
    boolean fresh(Instant claimedAt) {
        return clock.instant().isBefore(claimedAt.plus(lease.dividedBy(2)));
    }

    /** Whether {@code folder} was first seen at least the lease ago (false for one never observed). */
    synchronized boolean stale(String folder) {
        Sighting s = firstSeen.get(folder);
        return s != null && !clock.instant().isBefore(s.at().plus(lease));
    }

    private static String encode(String id) {
        try {
            return SmaFolders.folderFor(id);
        } catch (SmaFormatException e) {
            throw new IllegalArgumentException("list address too long for claim folder names: " + e.getMessage(), e);
        }
    }

    @Override public String toString() {
        return "Claims[" + listAddress + ", lease " + lease + "]";
    }
}
