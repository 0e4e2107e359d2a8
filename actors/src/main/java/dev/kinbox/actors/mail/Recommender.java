package dev.kinbox.actors.mail;

import dev.kinbox.crypto.Autocrypt;
import dev.kinbox.crypto.Recommendation;
import dev.kinbox.persistence.StateValues.MailingList;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The recommendation per recipient: crypto's Level 1 {@link Autocrypt#recommend} on the peer's
 * state, then the user's and lists' word on top (block: disable; key other than the verified
 * one: at most discourage, and a list cannot lift that; list {@code mandatory}: encrypt,
 * {@code available}: at most available).
 */
final class Recommender {
    private final Autocrypt autocrypt;

    Recommender(Autocrypt autocrypt) {
        this.autocrypt = autocrypt;
    }

    /**
     * One recipient's verdict.
     *
     * @param key      the key to encrypt to, or null when the verdict is disable
     * @param mandatory the recipient is a list that requires encryption
     */
    record Verdict(String addr, Recommendation rec, String why, Keyring.KeyChoice key, boolean mandatory) {}

    Verdict of(Keyring ring, String addr, boolean replyToEncrypted, Instant now) {
        if (ring.blocked(addr)) return new Verdict(addr, Recommendation.DISABLE, addr + " is blocked", null, false);
        Recommendation r = autocrypt.recommend(ring.levelOne(addr), ring.ownMutual(), replyToEncrypted, now);
        Keyring.KeyChoice key = ring.encryptionKey(addr);
        if (r == Recommendation.DISABLE || key == null) {
            return new Verdict(addr, Recommendation.DISABLE, addr + " has no usable key", null, false);
        }
        String why = addr + ": " + words(r);
        Set<String> verified = ring.verified(addr);
        boolean unverifiedKey = !verified.isEmpty() && !verified.contains(key.fingerprint());
        if (unverifiedKey) {
            r = min(r, Recommendation.DISCOURAGE);
            why = addr + ": key " + key.fingerprint() + " is not the one you verified";
        } else if (!verified.isEmpty()) {
            why += " (key verified)";
        }
        MailingList list = ring.list(addr);
        if (list != null && list.recommendation().equals("mandatory") && !unverifiedKey) {
            return new Verdict(addr, Recommendation.ENCRYPT, addr + " is a list that requires encryption", key, true);
        }
        if (list != null && list.recommendation().equals("available")) {
            r = min(r, Recommendation.AVAILABLE);
            why = addr + " is a list where encryption is available, not required";
        }
        return new Verdict(addr, r, why, key, false);
    }

    /** Level 1's combination for several recipients: any disable wins, all encrypt encrypts, else the weakest. */
    static Recommendation combine(List<Verdict> vs) {
        if (vs.isEmpty()) return Recommendation.DISABLE;
        Recommendation out = Recommendation.ENCRYPT;
        for (Verdict v : vs) out = min(out, v.rec());
        return out;
    }

    private static Recommendation min(Recommendation a, Recommendation b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String words(Recommendation r) {
        return switch (r) {
            case DISABLE -> "no usable key";
            case DISCOURAGE -> "key only gossiped or stale (encryption discouraged)";
            case AVAILABLE -> "encryption available";
            case ENCRYPT -> "encrypt by default";
        };
    }
}
