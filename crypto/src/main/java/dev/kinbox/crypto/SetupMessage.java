package dev.kinbox.crypto;

import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * An Autocrypt Setup Message. {@code code} is the 36-digit Setup Code, formatted as nine
 * dash-separated groups of four digits; show it to the user, never log it.
 *
 * @param mail the complete RFC 5322 message (To/From = the account address, CRLF line ends)
 * @param code the Setup Code
 */
public record SetupMessage(byte[] mail, String code) {
    /**
     * What an imported Setup Message carried.
     *
     * @param key          the secret key
     * @param armoredKey   the decrypted payload exactly as it was inside the message
     * @param mutual       its {@code Autocrypt-Prefer-Encrypt: mutual} armor header was present
     */
    public record Imported(OpenPGPKey key, String armoredKey, boolean mutual) {
        @Override
        public String toString() {
            return "Imported[" + Keys.fingerprint(key) + ", mutual=" + mutual + ", secret key hidden]";
        }
    }

    @Override
    public String toString() {
        return "SetupMessage[" + mail.length + " bytes, code hidden]";
    }
}
