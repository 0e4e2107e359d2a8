package dev.kinbox.crypto;

/** Autocrypt Level 1 UI recommendation, in increasing order of encouragement. */
public enum Recommendation {
    /** No usable key: do not offer encryption. */
    DISABLE,
    /** A key exists but is doubtful (gossip only, or stale): offer, but warn. */
    DISCOURAGE,
    /** Encryption is possible; leave it off by default. */
    AVAILABLE,
    /** Encrypt by default. */
    ENCRYPT
}
