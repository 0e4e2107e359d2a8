package dev.kinbox.persistence.crdt;

/**
 * A join-semilattice value: {@link #join} is commutative, associative and idempotent, so replicas
 * that joined the same values in any order, with duplicates, hold equal values.
 *
 * @param <T> the implementing type
 */
public interface Lattice<T> {
    /** The least upper bound of this and {@code other}; never mutates either. */
    T join(T other);
}
