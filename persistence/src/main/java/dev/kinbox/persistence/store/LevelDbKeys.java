package dev.kinbox.persistence.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Key layout: one tag byte, the UTF-8 name, a 0 byte, then a big-endian sequence number where
 * ordered ranges are needed, so LevelDB's byte order is (name, sequence number) order.
 */
final class LevelDbKeys {
    static final byte EVENT = 'e', HIGHEST = 'h', CURSOR = 'c', SNAPSHOT = 's';
    static final int MAX_NAME = 1024;

    private LevelDbKeys() {}

    static String requireName(String what, String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME || name.indexOf('\0') >= 0) {
            throw new StoreException(what + " must be 1.." + MAX_NAME + " characters without NUL");
        }
        return name;
    }

    static byte[] key(byte tag, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(n.length + 2).put(tag).put(n).put((byte) 0).array();
    }

    static byte[] key(byte tag, String name, long seq) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(n.length + 10).put(tag).put(n).put((byte) 0).putLong(seq).array();
    }

    /** Whether {@code key} is a sequenced key of (tag, name) and, if so, its sequence number; else -1. */
    static long seqOf(byte[] key, byte[] prefix) {
        if (key.length != prefix.length + 8) return -1;
        for (int i = 0; i < prefix.length; i++) if (key[i] != prefix[i]) return -1;
        return ByteBuffer.wrap(key, prefix.length, 8).getLong();
    }

    static byte[] longBytes(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    static long readLong(byte[] b) {
        if (b == null) return 0;
        if (b.length != 8) throw new StoreException("corrupt counter of " + b.length + " bytes");
        return ByteBuffer.wrap(b).getLong();
    }

    static byte[] cursorValue(ReplicationCursor c) {
        return ByteBuffer.allocate(24).putLong(c.uidValidity()).putLong(c.lastUid()).putLong(c.lastSequenceNr()).array();
    }

    static ReplicationCursor cursorOf(String source, byte[] v) {
        if (v.length != 24) throw new StoreException("corrupt cursor of " + v.length + " bytes");
        ByteBuffer b = ByteBuffer.wrap(v);
        return new ReplicationCursor(source, b.getLong(), b.getLong(), b.getLong());
    }

    static byte[] snapshotValue(StoredSnapshot s) {
        return ByteBuffer.allocate(8 + s.payload().length).putLong(s.timestampMillis()).put(s.payload()).array();
    }

    static StoredSnapshot snapshotOf(long seq, byte[] v) {
        if (v.length < 8) throw new StoreException("corrupt snapshot record");
        ByteBuffer b = ByteBuffer.wrap(v);
        long ts = b.getLong();
        byte[] payload = new byte[v.length - 8];
        b.get(payload);
        return new StoredSnapshot(seq, ts, payload);
    }
}
