package dev.kinbox.persistence.crdt;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/**
 * An immutable byte string (keys, certificates: opaque here), ordered lexicographically as unsigned
 * bytes so it can break last-writer-wins ties.
 */
public final class Bytes implements Comparable<Bytes> {
    private final byte[] value;

    private Bytes(byte[] value) {
        this.value = value;
    }

    /** A copy of {@code value}. */
    @JsonCreator
    public static Bytes of(byte[] value) {
        if (value == null) throw new IllegalArgumentException("bytes are missing");
        return new Bytes(value.clone());
    }

    /** A fresh copy of the bytes. */
    public byte[] toByteArray() {
        return value.clone();
    }

    @JsonValue
    byte[] raw() {
        return value;
    }

    /** The number of bytes. */
    public int length() {
        return value.length;
    }

    @Override
    public int compareTo(Bytes o) {
        return Arrays.compareUnsigned(value, o.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes b && Arrays.equals(value, b.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Bytes[" + value.length + "]";
    }
}
