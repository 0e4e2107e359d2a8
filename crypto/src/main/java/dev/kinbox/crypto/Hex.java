package dev.kinbox.crypto;

import java.util.HexFormat;

/** Upper-case hex, the form fingerprints take in results and JSON. */
final class Hex {
    private Hex() {}

    static String upper(byte[] b) {
        return HexFormat.of().withUpperCase().formatHex(b);
    }
}
