package dev.kinbox.persistence;

import dev.kinbox.persistence.crdt.Bytes;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.persistence.crdt.Lattice;

/**
 * One account secret key in the grow-only key map. {@code revoked} is a one-way flag (or); the key
 * material and creation time of one fingerprint never change, but the join still picks the larger
 * pair so that it is a lattice on any input.
 *
 * @param secretKey the secret key (opaque bytes)
 * @param created   when it was generated
 * @param revoked   whether any device revoked it
 */
public record AccountKey(Bytes secretKey, Hlc created, boolean revoked) implements Lattice<AccountKey> {
    public AccountKey {
        if (secretKey == null || created == null) throw new IllegalArgumentException("account key incomplete");
    }

    @Override
    public AccountKey join(AccountKey o) {
        int c = created.compareTo(o.created);
        if (c == 0) c = secretKey.compareTo(o.secretKey);
        AccountKey base = c >= 0 ? this : o;
        boolean r = revoked || o.revoked;
        return r == base.revoked ? base : new AccountKey(base.secretKey, base.created, r);
    }
}
