package dev.kinbox.actors.mail;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.CryptoException;
import dev.kinbox.persistence.AccountKey;
import dev.kinbox.persistence.AccountState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * The account's secret keys parsed once from an {@link AccountState}: every key we hold, current
 * or older, revoked ones included (they still open old mail). Parsing keys is not free, so the
 * MUAA builds this with {@link #of} when {@code accountKeys()} changes and passes it to every call.
 * Key material never appears in {@link #toString()}.
 */
public final class AccountKeys {
    /**
     * One held key.
     *
     * @param fingerprint 40 upper-case hex digits
     * @param key         the parsed secret key
     * @param revoked     whether some device revoked it (still used to decrypt, never to sign)
     */
    public record HeldKey(String fingerprint, OpenPGPKey key, boolean revoked) {
        @Override
        public String toString() {
            return "HeldKey[" + fingerprint + (revoked ? ", revoked" : "") + "]";
        }
    }

    private final List<HeldKey> keys;
    private final Optional<HeldKey> current;
    private final List<String> unreadable;

    private AccountKeys(List<HeldKey> keys, Optional<HeldKey> current, List<String> unreadable) {
        this.keys = List.copyOf(keys);
        this.current = current;
        this.unreadable = List.copyOf(unreadable);
    }

    /**
     * Parses the keys of {@code state}. Revocation placeholders (a revocation seen before its key)
     * are skipped; a stored key that does not parse, or whose fingerprint differs from its map key,
     * is left out and named in {@link #unreadable()} rather than failing the whole account.
     */
    public static AccountKeys of(Crypto crypto, AccountState state) {
        List<HeldKey> out = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (Map.Entry<String, AccountKey> e : state.accountKeys().entrySet()) {
            AccountKey k = e.getValue();
            if (k.secretKey().length() == 0) continue; // revoked placeholder, no material yet
            try {
                OpenPGPKey key = crypto.readKey(k.secretKey().toByteArray());
                if (!Crypto.fingerprint(key).equals(e.getKey())) {
                    bad.add(e.getKey());
                    continue;
                }
                out.add(new HeldKey(e.getKey(), key, k.revoked()));
            } catch (CryptoException ex) {
                bad.add(e.getKey());
            }
        }
        out.sort((a, b) -> a.fingerprint().compareTo(b.fingerprint()));
        Optional<String> cur = state.currentKeyFingerprint();
        Optional<HeldKey> current = cur.flatMap(fp -> out.stream().filter(h -> h.fingerprint().equals(fp)).findFirst());
        return new AccountKeys(out, current, bad);
    }

    /** Every key we hold, sorted by fingerprint. */
    public List<HeldKey> all() {
        return keys;
    }

    /** The current account key (the state's rule), if we hold it. */
    public Optional<HeldKey> current() {
        return current;
    }

    /** Fingerprints of stored keys that could not be used. */
    public List<String> unreadable() {
        return unreadable;
    }

    List<OpenPGPKey> secretKeys() {
        return keys.stream().map(HeldKey::key).toList();
    }

    @Override
    public String toString() {
        return "AccountKeys[" + keys + ", current=" + current.map(HeldKey::fingerprint).orElse("none") + "]";
    }
}
