package dev.kinbox.actors.muaa;

import dev.kinbox.journal.sma.SmaFormatException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Several byte strings in one drop body: each as a 4-byte big-endian length and the bytes (PROTOCOL.md "Pairing drops"). */
final class Frames {
    static final int MAX_PART = 16 << 20;

    private Frames() {}

    static byte[] join(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(ByteBuffer.allocate(4).putInt(p.length).array());
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Exactly {@code count} parts and nothing after them, or a format error. */
    static List<byte[]> split(byte[] body, int count) throws SmaFormatException {
        ByteBuffer b = ByteBuffer.wrap(body);
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (b.remaining() < 4) throw new SmaFormatException("pairing drop truncated");
            int n = b.getInt();
            if (n < 0 || n > MAX_PART || n > b.remaining()) throw new SmaFormatException("pairing drop part has a bad length");
            byte[] p = new byte[n];
            b.get(p);
            out.add(p);
        }
        if (b.hasRemaining()) throw new SmaFormatException("pairing drop has trailing bytes");
        return out;
    }
}
