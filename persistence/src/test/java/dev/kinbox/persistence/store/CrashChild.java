package dev.kinbox.persistence.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Child process of {@link CrashSafetyIT}: appends batches of 100 events with a cursor, printing
 * the last acknowledged sequence number after each, until killed (bounded: 5,000 batches, 60 s).
 */
public final class CrashChild {
    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        boolean nativeLib = Boolean.parseBoolean(args[1]);
        long deadline = System.nanoTime() + 60_000_000_000L;
        try (LevelDbLocalLog log = LevelDbLocalLog.open(dir, new LevelDbLocalLog.Settings(true, nativeLib))) {
            for (int b = 0; b < 5_000 && System.nanoTime() < deadline; b++) {
                long from = log.highestSequenceNr("pid") + 1;
                List<LogEntry> batch = new ArrayList<>(100);
                for (long s = from; s < from + 100; s++) batch.add(new LogEntry(s, payload(s)));
                long last = from + 99;
                System.out.println("begin " + last);
                System.out.flush();
                log.append("pid", batch, Optional.of(new ReplicationCursor("source", 1, last * 2, last)));
                System.out.println("ok " + last);
                System.out.flush();
            }
        }
    }

    static byte[] payload(long seq) {
        return ("event " + seq + " " + "x".repeat(200)).getBytes(StandardCharsets.US_ASCII);
    }
}
