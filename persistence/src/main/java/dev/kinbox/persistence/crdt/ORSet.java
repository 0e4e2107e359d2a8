package dev.kinbox.persistence.crdt;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.pcollections.HashTreePMap;
import org.pcollections.HashTreePSet;
import org.pcollections.PMap;
import org.pcollections.PSet;

/**
 * An observed-remove (add-wins) set as a δ-CRDT dot store: each element keeps the dots of the
 * adds that put it there. The causal context lives with the enclosing state (one context for the
 * whole account, since dots are unique), so the joins take both sides' contexts: a dot survives if
 * both sides have it, or if the side without it has not seen it. Hence a remove (a delta whose
 * context covers the observed dots) deletes exactly the adds it observed, and a concurrent add
 * survives.
 *
 * <p>Normalised values never map an element to an empty dot set; a remove delta does (the entry
 * names the element it touches).
 *
 * @param entries element -> dots of the adds that keep it
 * @param <E>     element type
 */
public record ORSet<E>(PMap<E, PSet<Dot>> entries) {
    private static final ORSet<?> EMPTY = new ORSet<>(HashTreePMap.empty());

    public ORSet {
        if (entries == null) throw new IllegalArgumentException("entries missing");
    }

    /** The empty set. */
    @SuppressWarnings("unchecked")
    public static <E> ORSet<E> empty() {
        return (ORSet<E>) EMPTY;
    }

    /** Whether {@code e} is present. */
    public boolean contains(E e) {
        PSet<Dot> d = entries.get(e);
        return d != null && !d.isEmpty();
    }

    /** The present elements. */
    public Set<E> elements() {
        Set<E> out = new HashSet<>();
        for (Map.Entry<E, PSet<Dot>> en : entries.entrySet()) if (!en.getValue().isEmpty()) out.add(en.getKey());
        return out;
    }

    /** The dots that keep {@code e} present (what a remove must observe). */
    public Set<Dot> dots(E e) {
        return entries.getOrDefault(e, HashTreePSet.empty());
    }

    /** The delta of adding {@code e} with the fresh {@code dot} (its context is just the dot). */
    public static <E> ORSet<E> addDelta(E e, Dot dot) {
        return new ORSet<>(HashTreePMap.singleton(e, HashTreePSet.singleton(dot)));
    }

    /** The delta of removing {@code e}; its context must hold the observed dots. */
    public static <E> ORSet<E> removeDelta(E e) {
        return new ORSet<>(HashTreePMap.singleton(e, HashTreePSet.empty()));
    }

    /** The full join, visiting every element of both sides. */
    public ORSet<E> join(ORSet<E> other, CausalContext mine, CausalContext theirs) {
        PMap<E, PSet<Dot>> out = entries;
        for (Map.Entry<E, PSet<Dot>> en : entries.entrySet()) {
            if (!other.entries.containsKey(en.getKey())) {
                out = store(out, en.getKey(), keep(en.getValue(), HashTreePSet.empty(), theirs));
            }
        }
        for (Map.Entry<E, PSet<Dot>> en : other.entries.entrySet()) {
            out = store(out, en.getKey(), merge(entries.get(en.getKey()), en.getValue(), mine, theirs));
        }
        return out == entries ? this : new ORSet<>(out);
    }

    /**
     * The join that visits only the elements named by {@code delta}. Equal to {@link #join} when
     * every dot of {@code deltaContext} that this set holds sits under an element {@code delta}
     * names; true for add deltas (their only dot is fresh), so the state uses it for adds only.
     */
    public ORSet<E> joinTouched(ORSet<E> delta, CausalContext mine, CausalContext deltaContext) {
        PMap<E, PSet<Dot>> out = entries;
        for (Map.Entry<E, PSet<Dot>> en : delta.entries.entrySet()) {
            out = store(out, en.getKey(), merge(entries.get(en.getKey()), en.getValue(), mine, deltaContext));
        }
        return out == entries ? this : new ORSet<>(out);
    }

    private static <E> PMap<E, PSet<Dot>> store(PMap<E, PSet<Dot>> map, E key, PSet<Dot> dots) {
        if (dots.isEmpty()) return map.containsKey(key) ? map.minus(key) : map;
        return dots.equals(map.get(key)) ? map : map.plus(key, dots);
    }

    private static PSet<Dot> merge(PSet<Dot> a, PSet<Dot> b, CausalContext ca, CausalContext cb) {
        if (a == null) a = HashTreePSet.empty();
        PSet<Dot> out = keep(a, b, cb);
        for (Dot d : b) if (!a.contains(d) && !ca.contains(d)) out = out.plus(d);
        return out;
    }

    // Dots of a that the other side (dots b, context cb) also has, or has not seen.
    private static PSet<Dot> keep(PSet<Dot> a, PSet<Dot> b, CausalContext cb) {
        PSet<Dot> out = a;
        for (Dot d : a) if (!b.contains(d) && cb.contains(d)) out = out.minus(d);
        return out;
    }
}
