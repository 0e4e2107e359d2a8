package dev.kinbox.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The Autocrypt spec's example files (copied from the spec appendix, see autocrypt/SOURCE.md). */
final class Vectors {
    private Vectors() {}

    static byte[] read(String name) {
        try (InputStream in = Vectors.class.getResourceAsStream("/autocrypt/" + name)) {
            if (in == null) throw new IllegalStateException("missing vector " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
