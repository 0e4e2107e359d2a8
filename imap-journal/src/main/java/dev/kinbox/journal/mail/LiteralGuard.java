package dev.kinbox.journal.mail;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Watches the server's byte stream for IMAP literal announcements ({@code {n}} or {@code {n+}} at the
 * end of a line) and fails before Angus allocates a buffer of {@code n} bytes when {@code n} exceeds
 * the limit, so a hostile server cannot exhaust our memory. Literal contents are skipped by count.
 * Under TLS it sits on the decrypted stream ({@link GuardedSslSocket}); a plain socket's guard is
 * switched off once STARTTLS makes its bytes ciphertext.
 */
final class LiteralGuard extends FilterInputStream {
    /** Thrown (inside the read) when a literal is announced larger than allowed. */
    static final class LiteralTooLarge extends IOException {
        LiteralTooLarge(String message) { super(message); }
    }

    private static final int TAIL = 24;
    private final long max;
    private final byte[] tail = new byte[TAIL];
    private int tailLen;
    private long literalLeft;
    private volatile boolean off;

    LiteralGuard(InputStream in, long max) {
        super(in);
        this.max = max;
    }

    void switchOff() {
        off = true;
    }

    @Override public int read() throws IOException {
        int b = super.read();
        if (b >= 0) inspect((byte) b);
        return b;
    }

    @Override public int read(byte[] buf, int offset, int len) throws IOException {
        int n = super.read(buf, offset, len);
        for (int i = 0; i < n; i++) inspect(buf[offset + i]);
        return n;
    }

    @Override public long skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(n, 8192)];
        int r = read(scratch, 0, scratch.length);
        return Math.max(r, 0);
    }

    private void inspect(byte b) throws LiteralTooLarge {
        if (off) return;
        if (literalLeft > 0) {
            literalLeft--;
            return;
        }
        if (b == '\n') {
            long n = announced();
            tailLen = 0;
            if (n > max) throw new LiteralTooLarge("server announced a literal of " + (n == Long.MAX_VALUE ? "absurd" : n) + " bytes, limit " + max);
            if (n > 0) literalLeft = n;
            return;
        }
        if (tailLen == TAIL) {
            System.arraycopy(tail, 1, tail, 0, TAIL - 1);
            tailLen--;
        }
        tail[tailLen++] = b;
    }

    /** The n of a line ending in "{n}\r" or "{n+}\r", 0 if none, Long.MAX_VALUE if it overflows. */
    private long announced() {
        int i = tailLen - 1;
        if (i < 0 || tail[i] != '\r') return 0;
        i--;
        if (i < 0 || tail[i] != '}') return 0;
        i--;
        if (i >= 0 && tail[i] == '+') i--;
        int end = i;
        while (i >= 0 && tail[i] >= '0' && tail[i] <= '9') i--;
        if (i < 0 && tailLen == TAIL) return Long.MAX_VALUE; // more digits than we keep: absurd anyway
        if (i < 0 || tail[i] != '{' || i == end) return 0;
        if (end - i > 18) return Long.MAX_VALUE;
        long n = 0;
        for (int k = i + 1; k <= end; k++) n = n * 10 + (tail[k] - '0');
        return n;
    }
}
