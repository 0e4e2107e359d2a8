package dev.kinbox.actors.mail;

import dev.kinbox.persistence.crdt.Ids;

/**
 * Fixed configuration of one account's mail processing.
 *
 * @param accountAddress the account's own address (canonicalised); mail from it does not touch the
 *                       peer keyring, gossip about it is ignored, outgoing From must equal it
 * @param maxMailBytes   largest mail accepted, checked before any parsing (at most
 *                       {@link #MAX_MAIL_BYTES}: the crypto module's own cap)
 */
public record MailSettings(String accountAddress, int maxMailBytes) {
    /** The crypto module's mail cap; a larger setting could never be parsed. */
    public static final int MAX_MAIL_BYTES = 32 << 20;

    /**
     * The setting key (in {@code AccountState.settings()}) holding our own Autocrypt
     * {@code prefer-encrypt}: {@code mutual} or {@code nopreference} (the default when absent).
     */
    public static final String PREFER_ENCRYPT_SETTING = "autocrypt.prefer-encrypt";

    public MailSettings {
        accountAddress = Ids.canonicalAddress(accountAddress);
        if (maxMailBytes < 1 || maxMailBytes > MAX_MAIL_BYTES) {
            throw new IllegalArgumentException("maxMailBytes must be in 1.." + MAX_MAIL_BYTES);
        }
    }

    /** Settings with the largest mail cap. */
    public static MailSettings of(String accountAddress) {
        return new MailSettings(accountAddress, MAX_MAIL_BYTES);
    }
}
