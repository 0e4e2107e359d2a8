package dev.kinbox.actors.remailer;

import dev.kinbox.persistence.crdt.Hlc;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The merged state of every instance of one list, as an immutable value: the {@link Roster} and the
 * keys of finished posts, defined as the fold of <em>all</em> instances' {@link ListEvent}s sorted by
 * their HLC stamp. So the result does not depend on the order events arrive in, nor on duplicates -
 * as long as each instance's own events arrive in its own order (its journal's order), which both the
 * local journal and the read journal guarantee.
 *
 * <p>Bounded work: an event with a stamp at or below the newest already seen from its instance is a
 * duplicate. Events at or below the <em>stable</em> stamp (the oldest of the newest stamps seen from
 * each known instance) can no longer be preceded by anything new, so they are folded into
 * {@code base} and dropped; only the unstable tail is re-folded when an older event arrives. With one
 * instance silent for good the tail grows (documented limit).
 *
 * @param instances the list's instance ids (own one included)
 * @param base      the fold of all stable events
 * @param baseDone  finished posts among the stable events, by key, with their time (bounded)
 * @param baseSent  copies sent of posts not finished among the stable events, by post key (bounded)
 * @param lastSeen  per instance, the newest stamp seen
 * @param pending   events above the stable stamp, sorted
 * @param roster    {@code base} plus the fold of {@code pending}
 */
public record ListLog(Set<String> instances, Roster base, Map<String, Long> baseDone, Map<String, Set<String>> baseSent,
                      Map<String, Hlc> lastSeen,
                      NavigableMap<Hlc, ListEvent> pending, Roster roster) {
    /** Most finished-post keys kept from stable events; the oldest go first. */
    static final int MAX_DONE = 100_000;
    /** Most unfinished posts whose sent copies are kept from stable events. */
    static final int MAX_PART_SENT = 10_000;

    public ListLog {
        instances = Collections.unmodifiableSet(new TreeSet<>(instances));
        baseDone = Collections.unmodifiableMap(new TreeMap<>(baseDone));
        baseSent = Collections.unmodifiableMap(new TreeMap<>(baseSent));
        lastSeen = Collections.unmodifiableMap(new TreeMap<>(lastSeen));
        pending = Collections.unmodifiableNavigableMap(new TreeMap<>(pending));
    }

    /** Nothing seen yet. */
    public static ListLog empty(Set<String> instances, ListSettings settings) {
        Roster r = Roster.empty(settings);
        return new ListLog(instances, r, Map.of(), Map.of(), Map.of(), new TreeMap<>(), r);
    }

    /** Whether this event (by its stamp) is already part of the log. */
    public boolean seen(ListEvent e) {
        Hlc last = lastSeen.get(e.hlc().node());
        return last != null && e.hlc().compareTo(last) <= 0;
    }

    /** Whether a post with this key was finished by any instance. */
    public boolean done(String postKey) {
        if (baseDone.containsKey(postKey)) return true;
        for (ListEvent e : pending.values()) if (e instanceof ListEvent.PostDone d && d.postKey().equals(postKey)) return true;
        return false;
    }

    /** The copies of a post that went out before its delivery failed part-way (empty once it is done). */
    public Set<String> copiesSent(String postKey) {
        if (done(postKey)) return Set.of();
        Set<String> out = new TreeSet<>(baseSent.getOrDefault(postKey, Set.of()));
        for (ListEvent e : pending.values()) if (e instanceof ListEvent.CopiesSent c && c.postKey().equals(postKey)) out.addAll(c.copies());
        return Collections.unmodifiableSet(out);
    }

    /** The log with {@code e} merged in; a duplicate changes nothing. */
    public ListLog add(ListEvent e) {
        if (seen(e)) return this;
        Map<String, Hlc> seen = new TreeMap<>(lastSeen);
        seen.put(e.hlc().node(), e.hlc());
        TreeMap<Hlc, ListEvent> tail = new TreeMap<>(pending);
        boolean inOrder = tail.isEmpty() || tail.lastKey().compareTo(e.hlc()) < 0;
        tail.put(e.hlc(), e);
        Roster r = inOrder ? apply(roster, e) : fold(base, tail.values());
        Roster b = base;
        Map<String, Long> bd = baseDone;
        Map<String, Set<String>> bs = baseSent;
        Hlc stable = stable(seen);
        if (stable != null && !tail.isEmpty() && tail.firstKey().compareTo(stable) <= 0) {
            NavigableMap<Hlc, ListEvent> head = tail.headMap(stable, true);
            b = fold(base, head.values());
            bd = withDone(baseDone, head.values());
            bs = withSent(baseSent, head.values());
            head.clear();
        }
        return new ListLog(instances, b, bd, bs, seen, tail, r);
    }

    /** Folds events in any order (convenience for tests and recovery). */
    public ListLog addAll(List<? extends ListEvent> events) {
        ListLog l = this;
        for (ListEvent e : events) l = l.add(e);
        return l;
    }

    private Hlc stable(Map<String, Hlc> seen) {
        Hlc min = null;
        for (String i : instances) {
            Hlc h = seen.get(i);
            if (h == null) return null;
            if (min == null || h.compareTo(min) < 0) min = h;
        }
        return min;
    }

    private static Roster fold(Roster r, Iterable<ListEvent> events) {
        for (ListEvent e : events) r = apply(r, e);
        return r;
    }

    private static Roster apply(Roster r, ListEvent e) {
        return e instanceof ListEvent.Changed c ? r.apply(c.event()) : r;
    }

    // copies of unfinished posts only: a PostDone drops its post's entry; beyond the bound, arbitrary posts (by key) go
    private static Map<String, Set<String>> withSent(Map<String, Set<String>> sent, Iterable<ListEvent> events) {
        TreeMap<String, Set<String>> m = new TreeMap<>(sent);
        for (ListEvent e : events) {
            if (e instanceof ListEvent.CopiesSent c) {
                Set<String> all = new TreeSet<>(m.getOrDefault(c.postKey(), Set.of()));
                all.addAll(c.copies());
                m.put(c.postKey(), Collections.unmodifiableSet(all));
            } else if (e instanceof ListEvent.PostDone d) {
                m.remove(d.postKey());
            }
        }
        while (m.size() > MAX_PART_SENT) m.pollFirstEntry();
        return m;
    }

    private static Map<String, Long> withDone(Map<String, Long> done, Iterable<ListEvent> events) {
        TreeMap<String, Long> m = new TreeMap<>(done);
        for (ListEvent e : events) if (e instanceof ListEvent.PostDone d) m.putIfAbsent(d.postKey(), d.hlc().wallMillis());
        while (m.size() > MAX_DONE) {
            String oldest = m.entrySet().stream().min(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                    .orElseThrow().getKey();
            m.remove(oldest);
        }
        return m;
    }
}
