package dev.kinbox.journal.sma;

/** Input that does not follow the SMA wire format (docs/PROTOCOL.md): nothing was applied. */
public final class SmaFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public SmaFormatException(String message) {
        super(message);
    }
}
