package dev.kinbox.persistence;

import dev.kinbox.persistence.crdt.Bytes;
import dev.kinbox.persistence.crdt.Ids;
import java.util.Comparator;

/**
 * The Autocrypt Level 1 register ({@code autocrypt_timestamp}, {@code public_key},
 * {@code prefer_encrypt}) of one peer: the value with the latest effective date wins, ties broken
 * by fingerprint (then prefer-encrypt, then key bytes), so any reading order agrees.
 *
 * @param timestamp     effective date of the message, epoch millis
 * @param fingerprint   40 uppercase hex digits
 * @param keydata       the header's keydata, opaque here
 * @param preferEncrypt the header's prefer-encrypt
 */
public record AutocryptKey(long timestamp, String fingerprint, Bytes keydata, PreferEncrypt preferEncrypt)
        implements Comparable<AutocryptKey> {
    private static final Comparator<AutocryptKey> ORDER = Comparator.comparingLong(AutocryptKey::timestamp)
            .thenComparing(AutocryptKey::fingerprint).thenComparing(AutocryptKey::preferEncrypt)
            .thenComparing(AutocryptKey::keydata);

    public AutocryptKey {
        Ids.requireFingerprint(fingerprint);
        if (keydata == null || preferEncrypt == null) throw new IllegalArgumentException("autocrypt key incomplete");
    }

    @Override
    public int compareTo(AutocryptKey o) {
        return ORDER.compare(this, o);
    }

    static AutocryptKey max(AutocryptKey a, AutocryptKey b) {
        return a == null ? b : b == null || a.compareTo(b) >= 0 ? a : b;
    }
}
