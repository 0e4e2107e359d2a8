package dev.kinbox.cli.bench;

import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.KinboxCodec;
import dev.kinbox.persistence.PeerEvent.PeerAutocryptSeen;
import dev.kinbox.persistence.PeerEvent.PeerGossipSeen;
import dev.kinbox.persistence.PeerEvent.PeerMailSeen;
import dev.kinbox.persistence.PreferEncrypt;
import dev.kinbox.persistence.crdt.Bytes;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.persistence.store.LevelDbLocalLog;
import dev.kinbox.persistence.store.LogEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

/**
 * {@code kinbox bench crdt}: single-event delta joins into an account state with 10,000 peers,
 * snapshot encode/decode throughput, encoded bytes per peer, and LevelDB appends of batches of 100
 * events with fsync on and off. Each figure is the median of {@code --runs} timed runs after one
 * warm-up run; workloads are seeded, so runs are comparable.
 */
public final class CrdtBench implements BenchTarget {
    private static final String[] DEVICES = {"00000000000000a1", "00000000000000b2", "00000000000000c3"};

    @Override public String name() { return "crdt"; }

    @Override public String description() {
        return "crdt: delta joins into 10k peers, snapshot encode/decode, bytes/peer, LevelDB batch append";
    }

    @Override public List<BenchResult> run(BenchContext ctx) throws Exception {
        boolean q = ctx.quick();
        int peers = q ? 1_000 : 10_000, joins = q ? 20_000 : 400_000;
        Random r = new Random(7);
        KinboxCodec codec = new KinboxCodec();
        ctx.progress().println("crdt: building a state with " + peers + " peers");
        long[] seq = new long[DEVICES.length];
        long heap0 = usedHeapAfterGc();
        AccountState base = AccountState.EMPTY;
        for (int i = 0; i < peers; i++) base = base.apply(autocrypt(r, 0, ++seq[0], i, 1_000));
        double heapPerPeer = (double) (usedHeapAfterGc() - heap0) / peers;
        List<AccountEvent> deltas = new ArrayList<>(joins);
        for (int i = 0; i < joins; i++) {
            int d = 1 + r.nextInt(2);
            int peer = r.nextInt(peers);
            long s = ++seq[d];
            deltas.add(switch (r.nextInt(3)) {
                case 0 -> autocrypt(r, d, s, peer, 2_000 + i);
                case 1 -> new PeerMailSeen(new Dot(DEVICES[d], s), hlc(d, s), addr(peer), 1_800_000_000_000L + i);
                default -> new PeerGossipSeen(new Dot(DEVICES[d], s), hlc(d, s), addr(peer), 1_800_000_000_000L + i,
                        fp(peer), key(r));
            });
        }
        final AccountState start = base;
        BenchResult.Builder b = BenchResult.of("crdt");

        AccountState[] end = new AccountState[1];
        b.put("delta_joins_per_s", Stats.round(median(ctx, "delta joins", () -> {
            long t0 = System.nanoTime();
            AccountState s = start;
            for (AccountEvent e : deltas) s = s.apply(e);
            end[0] = s;
            return Stats.perSecond(deltas.size(), System.nanoTime() - t0);
        })));
        AccountState full = end[0];
        byte[] snapshot = codec.encode(full);
        int reps = q ? 3 : 10;
        b.put("snapshot_encode_mb_per_s", Stats.round(median(ctx, "snapshot encode", () -> {
            long t0 = System.nanoTime();
            long bytes = 0;
            for (int i = 0; i < reps; i++) bytes += codec.encode(full).length;
            return bytes / 1e6 / ((System.nanoTime() - t0) / 1e9);
        })));
        b.put("snapshot_decode_mb_per_s", Stats.round(median(ctx, "snapshot decode", () -> {
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                if (!codec.decodeState(snapshot).equals(full)) throw new IllegalStateException("snapshot did not round-trip");
            }
            return (double) snapshot.length * reps / 1e6 / ((System.nanoTime() - t0) / 1e9);
        })));
        b.put("bytes_per_peer", Stats.round((double) (codec.encode(start).length - codec.encode(AccountState.EMPTY).length) / peers));
        b.put("heap_bytes_per_peer", Stats.round(heapPerPeer));
        b.put("snapshot_bytes", snapshot.length);

        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) payloads.add(codec.encode(deltas.get(i)));
        b.put("leveldb_append_fsync_events_per_s", Stats.round(leveldb(ctx, payloads, true, q ? 20 : 200)));
        b.put("leveldb_append_nofsync_events_per_s", Stats.round(leveldb(ctx, payloads, false, q ? 50 : 1_000)));
        b.put("event_bytes_mean", Stats.round(payloads.stream().mapToInt(p -> p.length).average().orElse(0)));
        b.put("peers", peers);
        return List.of(b.build());
    }

    private double leveldb(BenchContext ctx, List<byte[]> payloads, boolean fsync, int batches) throws Exception {
        boolean[] nativeLib = new boolean[1];
        double v = median(ctx, "leveldb append, fsync " + (fsync ? "on" : "off"), () -> {
            Path dir = Files.createTempDirectory("kinbox-crdt-bench");
            try (LevelDbLocalLog log = LevelDbLocalLog.open(dir, new LevelDbLocalLog.Settings(fsync, true))) {
                nativeLib[0] = log.isNative();
                long t0 = System.nanoTime();
                long s = 1;
                for (int i = 0; i < batches; i++) {
                    List<LogEntry> batch = new ArrayList<>(100);
                    for (int k = 0; k < 100; k++, s++) batch.add(new LogEntry(s, payloads.get((int) (s % payloads.size()))));
                    log.append("bench", batch, Optional.empty());
                }
                return Stats.perSecond(batches * 100L, System.nanoTime() - t0);
            } finally {
                try (Stream<Path> w = Files.walk(dir)) {
                    w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        });
        ctx.progress().println("crdt: leveldb " + (nativeLib[0] ? "native (leveldbjni)" : "pure-Java port"));
        return v;
    }

    // Rough: the retained heap of the state is the difference of two post-GC readings.
    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) System.gc();
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    interface Run {
        double once() throws Exception;
    }

    private static double median(BenchContext ctx, String what, Run run) throws Exception {
        ctx.progress().println("crdt: " + what + " (warm-up + " + ctx.runs() + " runs)");
        run.once();
        double[] v = new double[ctx.runs()];
        for (int i = 0; i < v.length; i++) v[i] = run.once();
        return Stats.median(v);
    }

    private static PeerAutocryptSeen autocrypt(Random r, int d, long s, int peer, long date) {
        return new PeerAutocryptSeen(new Dot(DEVICES[d], s), hlc(d, s), addr(peer), 1_800_000_000_000L + date, fp(peer),
                key(r), r.nextBoolean() ? PreferEncrypt.MUTUAL : PreferEncrypt.NOPREFERENCE);
    }

    private static Hlc hlc(int d, long s) {
        return new Hlc(1_800_000_000_000L + s, 0, DEVICES[d]);
    }

    private static String addr(int peer) {
        return "peer" + peer + "@example.org";
    }

    private static String fp(int peer) {
        return String.format("%040X", peer);
    }

    // An Ed25519 Autocrypt key is about 600 bytes of keydata.
    private static Bytes key(Random r) {
        byte[] k = new byte[600];
        r.nextBytes(k);
        return Bytes.of(k);
    }
}
