package dev.kinbox.persistence.crdt;

import java.util.Map;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;

/**
 * Grow-only maps of lattice values, joined pointwise. The join walks the smaller map into the
 * larger one, so joining a one-entry delta into a 10,000-entry state costs one persistent-map
 * update, not a copy.
 */
public final class GMap {
    private GMap() {}

    /** The empty map. */
    public static <K, V> PMap<K, V> empty() {
        return HashTreePMap.empty();
    }

    /** The pointwise join of {@code a} and {@code b}. */
    public static <K, V extends Lattice<V>> PMap<K, V> join(PMap<K, V> a, PMap<K, V> b) {
        if (a.size() < b.size()) {
            PMap<K, V> t = a;
            a = b;
            b = t;
        }
        PMap<K, V> out = a;
        for (Map.Entry<K, V> e : b.entrySet()) out = put(out, e.getKey(), e.getValue());
        return out;
    }

    /** {@code map} with {@code value} joined into the entry at {@code key}. */
    public static <K, V extends Lattice<V>> PMap<K, V> put(PMap<K, V> map, K key, V value) {
        V old = map.get(key);
        if (old == null) return map.plus(key, value);
        V joined = old.join(value);
        return joined == old ? map : map.plus(key, joined);
    }
}
