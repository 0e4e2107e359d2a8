package dev.kinbox.persistence.crdt;

/**
 * A last-writer-wins register stamped with a {@link Hlc}. Stamps are unique per event, so the
 * value tie-break only matters for equivocating writers; it keeps join a lattice on any input.
 *
 * @param time  when the value was written
 * @param value the value written
 * @param <V>   a totally ordered value type (for the tie-break)
 */
public record LwwRegister<V extends Comparable<? super V>>(Hlc time, V value) implements Lattice<LwwRegister<V>> {
    public LwwRegister {
        if (time == null || value == null) throw new IllegalArgumentException("register needs a time and a value");
    }

    @Override
    public LwwRegister<V> join(LwwRegister<V> other) {
        int c = time.compareTo(other.time);
        if (c == 0) c = value.compareTo(other.value);
        return c >= 0 ? this : other;
    }

    /** Joins two possibly absent registers. */
    public static <V extends Comparable<? super V>> LwwRegister<V> join(LwwRegister<V> a, LwwRegister<V> b) {
        return a == null ? b : b == null ? a : a.join(b);
    }
}
