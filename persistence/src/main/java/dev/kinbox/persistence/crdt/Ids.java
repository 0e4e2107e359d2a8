package dev.kinbox.persistence.crdt;

/** Validation of the identifiers that appear in state and events. */
public final class Ids {
    /** Longest free-text value (names, settings, addresses) accepted anywhere in the state. */
    public static final int MAX_TEXT = 4096;

    private Ids() {}

    /** A device id: 64 bits as 16 lowercase hex digits. */
    public static String requireDeviceId(String id) {
        if (id == null || id.length() != 16 || !isHex(id, false)) {
            throw new IllegalArgumentException("device id must be 16 lowercase hex digits, got " + shorten(id));
        }
        return id;
    }

    /** An OpenPGP v4 fingerprint: 40 uppercase hex digits. */
    public static String requireFingerprint(String fp) {
        if (fp == null || fp.length() != 40 || !isHex(fp, true)) {
            throw new IllegalArgumentException("fingerprint must be 40 uppercase hex digits, got " + shorten(fp));
        }
        return fp;
    }

    /** Non-null text of at most {@link #MAX_TEXT} characters. */
    public static String requireText(String what, String s) {
        if (s == null) throw new IllegalArgumentException(what + " is missing");
        if (s.length() > MAX_TEXT) throw new IllegalArgumentException(what + " longer than " + MAX_TEXT + " characters");
        return requireWellFormed(what, s);
    }

    /** {@code s} if it is well-formed UTF-16 (no lone surrogates, which CBOR text cannot hold). */
    public static String requireWellFormed(String what, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(what + " holds a lone surrogate at " + i);
            }
        }
        return s;
    }

    /** A canonical mail address: trimmed, lowercased, with one {@code @} and text on both sides. */
    public static String canonicalAddress(String address) {
        requireText("address", address);
        String a = address.strip().toLowerCase(java.util.Locale.ROOT);
        int at = a.indexOf('@');
        if (at <= 0 || at != a.lastIndexOf('@') || at == a.length() - 1 || a.length() > 320) {
            throw new IllegalArgumentException("not a mail address: " + shorten(address));
        }
        return a;
    }

    private static boolean isHex(String s, boolean upper) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (upper ? (c >= 'A' && c <= 'F') : (c >= 'a' && c <= 'f'));
            if (!ok) return false;
        }
        return true;
    }

    private static String shorten(String s) {
        if (s == null) return "null";
        return s.length() > 50 ? "'" + s.substring(0, 50) + "...'" : "'" + s + "'";
    }
}
