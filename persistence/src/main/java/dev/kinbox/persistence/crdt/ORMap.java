package dev.kinbox.persistence.crdt;

import org.pcollections.PMap;

/**
 * An observed-remove map: presence is an {@link ORSet} of keys (a concurrent update-by-add beats a
 * remove), values are lattices joined pointwise. Values of removed keys stay as tombstones, which
 * is what keeps the join associative when a value cannot itself be reset by a causal context.
 *
 * @param keys   the present keys
 * @param values every value ever written, by key
 * @param <K>    key type
 * @param <V>    value lattice
 */
public record ORMap<K, V extends Lattice<V>>(ORSet<K> keys, PMap<K, V> values) {
    public ORMap {
        if (keys == null || values == null) throw new IllegalArgumentException("map parts missing");
    }

    /** The empty map. */
    public static <K, V extends Lattice<V>> ORMap<K, V> empty() {
        return new ORMap<K, V>(ORSet.empty(), org.pcollections.HashTreePMap.<K, V>empty());
    }

    /** The value at {@code key} if the key is present. */
    public V get(K key) {
        return keys.contains(key) ? values.get(key) : null;
    }

    /** The full join (see {@link ORSet#join}). */
    public ORMap<K, V> join(ORMap<K, V> other, CausalContext mine, CausalContext theirs) {
        return new ORMap<>(keys.join(other.keys, mine, theirs), GMap.join(values, other.values));
    }

    /** The join that visits only what {@code delta} touches (see {@link ORSet#joinTouched}). */
    public ORMap<K, V> joinTouched(ORMap<K, V> delta, CausalContext mine, CausalContext deltaContext) {
        ORSet<K> k = keys.joinTouched(delta.keys, mine, deltaContext);
        PMap<K, V> v = GMap.join(values, delta.values);
        return k == keys && v == values ? this : new ORMap<>(k, v);
    }
}
