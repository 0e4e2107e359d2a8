package dev.kinbox.persistence.crdt;

/**
 * A register whose join keeps the larger value of a total order (e.g. a last-seen time).
 *
 * @param value the current value
 * @param <T>   a totally ordered value type
 */
public record MaxRegister<T extends Comparable<? super T>>(T value) implements Lattice<MaxRegister<T>> {
    public MaxRegister {
        if (value == null) throw new IllegalArgumentException("value is missing");
    }

    @Override
    public MaxRegister<T> join(MaxRegister<T> other) {
        return value.compareTo(other.value) >= 0 ? this : other;
    }
}
