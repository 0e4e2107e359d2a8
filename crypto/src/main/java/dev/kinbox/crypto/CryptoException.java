package dev.kinbox.crypto;

/**
 * Every failure of the crypto module. Callers switch over the permitted subtypes;
 * nothing else escapes the public API (bad input of any kind ends here, never in a
 * runtime exception from Bouncy Castle or Jakarta Mail).
 */
public sealed class CryptoException extends Exception
        permits CryptoException.Malformed, CryptoException.BadSignature, CryptoException.NoMatchingKey,
                CryptoException.WrongSecret, CryptoException.Unsupported, CryptoException.PairingAborted {

    private CryptoException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Input that does not parse or breaks a size cap or a grammar rule. */
    public static final class Malformed extends CryptoException {
        public Malformed(String message) { super(message, null); }
        public Malformed(String message, Throwable cause) { super(message, cause); }
    }

    /** A signature was required and none verified against the given certificates. */
    public static final class BadSignature extends CryptoException {
        public BadSignature(String message) { super(message, null); }
    }

    /** The message is not encrypted to any key we hold (or no usable recipient key). */
    public static final class NoMatchingKey extends CryptoException {
        public NoMatchingKey(String message) { super(message, null); }
        public NoMatchingKey(String message, Throwable cause) { super(message, cause); }
    }

    /** Wrong passphrase, Setup Message code or pairing secret. */
    public static final class WrongSecret extends CryptoException {
        public WrongSecret(String message) { super(message, null); }
        public WrongSecret(String message, Throwable cause) { super(message, cause); }
    }

    /** Well-formed but outside what Kinbox accepts (algorithm, packet version, key shape). */
    public static final class Unsupported extends CryptoException {
        public Unsupported(String message) { super(message, null); }
    }

    /** A pairing session failed (altered message, wrong code) and is now unusable. */
    public static final class PairingAborted extends CryptoException {
        public PairingAborted(String message) { super(message, null); }
        public PairingAborted(String message, Throwable cause) { super(message, cause); }
    }
}
