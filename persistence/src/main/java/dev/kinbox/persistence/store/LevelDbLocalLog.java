package dev.kinbox.persistence.store;

import static dev.kinbox.persistence.store.LevelDbKeys.CURSOR;
import static dev.kinbox.persistence.store.LevelDbKeys.EVENT;
import static dev.kinbox.persistence.store.LevelDbKeys.HIGHEST;
import static dev.kinbox.persistence.store.LevelDbKeys.SNAPSHOT;
import static dev.kinbox.persistence.store.LevelDbKeys.key;
import static dev.kinbox.persistence.store.LevelDbKeys.requireName;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.iq80.leveldb.CompressionType;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBFactory;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.WriteBatch;
import org.iq80.leveldb.WriteOptions;

/**
 * {@link LocalLog} on LevelDB: the native library ({@code leveldbjni-all}) where it loads, the
 * pure-Java port otherwise (there is no arm64 build of the native one). Each append, with its
 * cursor and the new highest sequence number, is one LevelDB write batch, so it survives a crash
 * whole or not at all; with {@link Settings#fsync} (the default) it is on disk when append returns.
 */
public final class LevelDbLocalLog implements LocalLog {
    /** Largest single payload accepted. */
    public static final int MAX_PAYLOAD = 64 << 20;

    /**
     * How to open the store.
     *
     * @param fsync       sync every write to disk before returning (default on)
     * @param allowNative try the native library first (default on)
     */
    public record Settings(boolean fsync, boolean allowNative) {
        /** fsync on, native library if it loads. */
        public static final Settings DEFAULT = new Settings(true, true);
    }

    private final DB db;
    private final boolean nativeLibrary;
    private final WriteOptions writeOptions;
    private final Map<String, Long> highest = new ConcurrentHashMap<>();
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lifecycle

    private LevelDbLocalLog(DB db, boolean nativeLibrary, boolean fsync) {
        this.db = db;
        this.nativeLibrary = nativeLibrary;
        this.writeOptions = new WriteOptions().sync(fsync);
    }

    /** Opens (creating if needed) the store in {@code dir}. */
    public static LevelDbLocalLog open(Path dir, Settings settings) {
        Options options = new Options().createIfMissing(true).compressionType(CompressionType.NONE);
        if (settings.allowNative()) {
            try {
                DBFactory jni = (DBFactory) Class.forName("org.fusesource.leveldbjni.JniDBFactory").getField("factory").get(null);
                return new LevelDbLocalLog(jni.open(dir.toFile(), options), true, settings.fsync());
            } catch (LinkageError | ReflectiveOperationException e) {
                // native library missing for this platform: fall through to the pure-Java port
            } catch (IOException | RuntimeException e) {
                throw new StoreException("cannot open LevelDB in " + dir + ": " + e.getMessage(), e);
            }
        }
        try {
            return new LevelDbLocalLog(org.iq80.leveldb.impl.Iq80DBFactory.factory.open(dir.toFile(), options), false,
                    settings.fsync());
        } catch (IOException | RuntimeException e) {
            throw new StoreException("cannot open LevelDB in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Whether the native LevelDB library is in use (false: the pure-Java port). */
    public boolean isNative() {
        return nativeLibrary;
    }

    @Override
    public synchronized void append(String persistenceId, List<LogEntry> entries, Optional<ReplicationCursor> cursor) {
        guarded(() -> {
            requireName("persistence id", persistenceId);
            long next = LogChecks.checkBatch(highestSequenceNr(persistenceId), entries, MAX_PAYLOAD);
            if (entries.isEmpty() && cursor.isEmpty()) return null;
            try (WriteBatch batch = db.createWriteBatch()) {
                for (LogEntry e : entries) batch.put(key(EVENT, persistenceId, e.sequenceNr()), e.payload());
                if (!entries.isEmpty()) batch.put(key(HIGHEST, persistenceId), LevelDbKeys.longBytes(next));
                cursor.ifPresent(c -> batch.put(key(CURSOR, c.source()), LevelDbKeys.cursorValue(c)));
                db.write(batch, writeOptions);
            } catch (IOException | RuntimeException e) {
                throw new StoreException("append to " + persistenceId + " failed: " + e.getMessage(), e);
            }
            if (!entries.isEmpty()) highest.put(persistenceId, next);
            return null;
        });
    }

    @Override
    public List<LogEntry> read(String persistenceId, long fromSequenceNr, long toSequenceNr, int max) {
        return guarded(() -> {
            requireName("persistence id", persistenceId);
            List<LogEntry> out = new ArrayList<>();
            if (max <= 0 || toSequenceNr < Math.max(1, fromSequenceNr)) return out;
            byte[] prefix = key(EVENT, persistenceId);
            try (DBIterator it = db.iterator()) {
                for (it.seek(key(EVENT, persistenceId, Math.max(1, fromSequenceNr))); it.hasNext() && out.size() < max; ) {
                    Map.Entry<byte[], byte[]> e = it.next();
                    long seq = LevelDbKeys.seqOf(e.getKey(), prefix);
                    if (seq < 0 || seq > toSequenceNr) break;
                    out.add(new LogEntry(seq, e.getValue()));
                }
            } catch (IOException | RuntimeException e) {
                throw new StoreException("read of " + persistenceId + " failed: " + e.getMessage(), e);
            }
            return out;
        });
    }

    @Override
    public long highestSequenceNr(String persistenceId) {
        return guarded(() -> {
            requireName("persistence id", persistenceId);
            Long cached = highest.get(persistenceId);
            if (cached != null) return cached;
            try {
                long h = LevelDbKeys.readLong(db.get(key(HIGHEST, persistenceId)));
                highest.putIfAbsent(persistenceId, h);
                return h;
            } catch (RuntimeException e) {
                throw new StoreException("reading the highest sequence number failed: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public synchronized void deleteUpTo(String persistenceId, long toSequenceNr) {
        guarded(() -> {
            requireName("persistence id", persistenceId);
            long to = Math.min(toSequenceNr, highestSequenceNr(persistenceId));
            while (true) {
                List<LogEntry> chunk = read(persistenceId, 1, to, 1000);
                if (chunk.isEmpty()) return null;
                try (WriteBatch batch = db.createWriteBatch()) {
                    for (LogEntry e : chunk) batch.delete(key(EVENT, persistenceId, e.sequenceNr()));
                    db.write(batch, writeOptions);
                } catch (IOException | RuntimeException e) {
                    throw new StoreException("delete in " + persistenceId + " failed: " + e.getMessage(), e);
                }
            }
        });
    }

    @Override
    public void saveCursor(ReplicationCursor cursor) {
        put(key(CURSOR, cursor.source()), LevelDbKeys.cursorValue(cursor));
    }

    @Override
    public Optional<ReplicationCursor> cursor(String source) {
        requireName("source", source);
        byte[] v = get(key(CURSOR, source));
        return v == null ? Optional.empty() : Optional.of(LevelDbKeys.cursorOf(source, v));
    }

    @Override
    public void saveSnapshot(String persistenceId, StoredSnapshot snapshot) {
        requireName("persistence id", persistenceId);
        if (snapshot.payload().length > MAX_PAYLOAD) throw new StoreException("snapshot larger than " + MAX_PAYLOAD + " bytes");
        put(key(SNAPSHOT, persistenceId, snapshot.sequenceNr()), LevelDbKeys.snapshotValue(snapshot));
    }

    @Override
    public Optional<StoredSnapshot> latestSnapshot(String persistenceId, long maxSequenceNr) {
        List<Map.Entry<Long, byte[]>> all = snapshots(persistenceId, maxSequenceNr);
        if (all.isEmpty()) return Optional.empty();
        Map.Entry<Long, byte[]> last = all.get(all.size() - 1);
        return Optional.of(LevelDbKeys.snapshotOf(last.getKey(), last.getValue()));
    }

    @Override
    public void deleteSnapshotsUpTo(String persistenceId, long maxSequenceNr) {
        guarded(() -> {
            try (WriteBatch batch = db.createWriteBatch()) {
                for (Map.Entry<Long, byte[]> e : snapshots(persistenceId, maxSequenceNr)) {
                    batch.delete(key(SNAPSHOT, persistenceId, e.getKey()));
                }
                db.write(batch, writeOptions);
            } catch (IOException | RuntimeException e) {
                throw new StoreException("snapshot delete failed: " + e.getMessage(), e);
            }
            return null;
        });
    }

    @Override
    public void deleteSnapshot(String persistenceId, long sequenceNr) {
        requireName("persistence id", persistenceId);
        if (sequenceNr < 0) return;
        guarded(() -> {
            try {
                db.delete(key(SNAPSHOT, persistenceId, sequenceNr), writeOptions);
            } catch (RuntimeException e) {
                throw new StoreException("snapshot delete failed: " + e.getMessage(), e);
            }
            return null;
        });
    }

    private List<Map.Entry<Long, byte[]>> snapshots(String persistenceId, long maxSequenceNr) {
        return guarded(() -> {
            requireName("persistence id", persistenceId);
            byte[] prefix = key(SNAPSHOT, persistenceId);
            List<Map.Entry<Long, byte[]>> out = new ArrayList<>();
            try (DBIterator it = db.iterator()) {
                for (it.seek(key(SNAPSHOT, persistenceId, 0)); it.hasNext(); ) {
                    Map.Entry<byte[], byte[]> e = it.next();
                    long seq = LevelDbKeys.seqOf(e.getKey(), prefix);
                    if (seq < 0 || seq > maxSequenceNr) break;
                    out.add(Map.entry(seq, e.getValue()));
                }
            } catch (IOException | RuntimeException e) {
                throw new StoreException("snapshot read failed: " + e.getMessage(), e);
            }
            return out;
        });
    }

    private void put(byte[] k, byte[] v) {
        guarded(() -> {
            try {
                db.put(k, v, writeOptions);
            } catch (RuntimeException e) {
                throw new StoreException("write failed: " + e.getMessage(), e);
            }
            return null;
        });
    }

    private byte[] get(byte[] k) {
        return guarded(() -> {
            try {
                return db.get(k);
            } catch (RuntimeException e) {
                throw new StoreException("read failed: " + e.getMessage(), e);
            }
        });
    }

    /**
     * Closes the database once every operation in flight has finished; later calls fail with a
     * {@link StoreException} instead of reaching the closed native handle (which would crash the JVM).
     * Idempotent.
     */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) return;
            closed = true;
            db.close();
        } catch (IOException | RuntimeException e) {
            throw new StoreException("close failed: " + e.getMessage(), e);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /** Runs {@code op} unless the log is closed; close waits for it to finish. */
    private <T> T guarded(Supplier<T> op) {
        lifecycle.readLock().lock();
        try {
            if (closed) throw new StoreException("local log is closed");
            return op.get();
        } finally {
            lifecycle.readLock().unlock();
        }
    }
}
