package dev.kinbox.persistence;

/** The Autocrypt {@code prefer-encrypt} attribute; declaration order breaks register ties. */
public enum PreferEncrypt {
    NOPREFERENCE, MUTUAL
}
