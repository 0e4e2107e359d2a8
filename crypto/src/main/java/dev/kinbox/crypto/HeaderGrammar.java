package dev.kinbox.crypto;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;

/** Autocrypt Level 1 header grammar: parse one header value, format one. */
final class HeaderGrammar {
    /** Headers longer than this are invalid (before any parsing). */
    static final int MAX_HEADER = 10 * 1024;

    private HeaderGrammar() {}

    /**
     * Parses an unfolded header value. {@code expectedAddr} (canonical) is the From address for
     * {@code Autocrypt} or null for gossip (checked by the caller against recipients).
     */
    static AutocryptHeader parse(Crypto crypto, String value, String expectedAddr, boolean gossip)
            throws CryptoException {
        if (value == null) throw new CryptoException.Malformed("no header value");
        if (value.length() > MAX_HEADER) throw new CryptoException.Malformed("header over 10 KiB");
        String addr = null;
        boolean mutual = false;
        String keydata = null;
        Map<String, String> extra = new LinkedHashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        String[] parts = value.split(";", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].trim();
            if (part.isEmpty()) {
                if (i == parts.length - 1) continue; // tolerate one trailing ';'
                throw new CryptoException.Malformed("empty attribute");
            }
            int eq = part.indexOf('=');
            if (eq <= 0) throw new CryptoException.Malformed("attribute without '=': " + clip(part));
            String name = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String val = part.substring(eq + 1).trim();
            if (!seen.add(name)) throw new CryptoException.Malformed("duplicate attribute " + clip(name));
            if (keydata != null) throw new CryptoException.Malformed("keydata must be the last attribute");
            switch (name) {
                case "addr" -> addr = canonical(val);
                case "prefer-encrypt" -> mutual = val.equals("mutual");
                case "keydata" -> keydata = val;
                default -> {
                    if (!name.startsWith("_")) throw new CryptoException.Malformed("unknown critical attribute " + clip(name));
                    extra.put(name, val);
                }
            }
        }
        if (addr == null || addr.isEmpty()) throw new CryptoException.Malformed("missing addr");
        if (keydata == null) throw new CryptoException.Malformed("missing keydata");
        if (expectedAddr != null && !addr.equals(expectedAddr)) {
            throw new CryptoException.Malformed("addr " + clip(addr) + " does not match " + clip(expectedAddr));
        }
        byte[] key;
        try {
            key = Base64.getMimeDecoder().decode(keydata.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new CryptoException.Malformed("keydata is not base64", e);
        }
        if (key.length == 0) throw new CryptoException.Malformed("empty keydata");
        KeyShape.check(key);
        OpenPGPCertificate cert = crypto.readCertificate(key);
        if (cert.isSecretKey()) throw new CryptoException.Malformed("keydata holds a secret key");
        return new AutocryptHeader(addr, !gossip && mutual, key, cert, Keys.fingerprint(cert), extra);
    }

    /** Formats a header value with keydata folded at 76 columns (the mail layer adds CRLFs). */
    static String format(String addr, byte[] keydata, boolean mutual, Map<String, String> nonCritical) {
        StringBuilder sb = new StringBuilder("addr=").append(addr).append(';');
        if (mutual) sb.append(" prefer-encrypt=mutual;");
        nonCritical.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v).append(';'));
        sb.append(" keydata=");
        String b64 = Base64.getEncoder().encodeToString(keydata);
        for (int i = 0; i < b64.length(); i += 76) {
            sb.append("\r\n ").append(b64, i, Math.min(b64.length(), i + 76));
        }
        return sb.toString();
    }

    static String canonical(String addr) {
        return addr.trim().toLowerCase(Locale.ROOT);
    }

    static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
