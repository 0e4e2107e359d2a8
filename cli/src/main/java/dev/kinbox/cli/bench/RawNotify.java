package dev.kinbox.cli.bench;

import dev.kinbox.journal.mail.CountingMailStore;
import dev.kinbox.journal.mail.Flag;
import dev.kinbox.journal.mail.FolderEvent;
import dev.kinbox.journal.mail.ImapMailStore;
import dev.kinbox.journal.mail.ImapSettings;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStores;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.mail.Watch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's own change-notification latency, the floor the journal and replication benchmarks
 * compare against: one store appends, another store's watch reports the change.
 */
final class RawNotify {
    private static final AtomicLong SEQ = new AtomicLong();

    private RawNotify() {}

    /**
     * A second device's store: on IMAP its own connections, whose watch polls with NOOP every 10 ms
     * (Dovecot's IDLE reports only after ~0.5 s); in memory the shared store, not closed with it.
     */
    static MailStore watcher(MailStores.Running r) {
        if (r.settings().isEmpty()) return new CountingMailStore(r.store(), false);
        return ImapMailStore.connect(r.settings().get().withWatch(ImapSettings.WatchMode.POLL, Duration.ofMillis(10)));
    }

    /** Milliseconds from the start of an APPEND by {@code writer} to {@code watcher}'s change event, {@code samples} times. */
    static double[] measure(MailStore writer, MailStore watcher, int samples) throws InterruptedException {
        String f = "BenchNotify" + SEQ.incrementAndGet();
        writer.createFolder(f);
        BlockingQueue<Long> seen = new LinkedBlockingQueue<>();
        double[] ms = new double[samples];
        try (Watch w = watcher.watch(f, e -> { if (e instanceof FolderEvent.Changed) seen.add(System.nanoTime()); })) {
            for (int i = 0; i < samples + 3; i++) {
                seen.clear();
                long t0 = System.nanoTime();
                writer.append(f, message(1024));
                Long t1 = seen.poll(10, TimeUnit.SECONDS);
                if (t1 == null) throw new IllegalStateException("watch missed an append within 10 s");
                if (i >= 3) ms[i - 3] = (t1 - t0) / 1e6;
            }
        } finally {
            writer.deleteFolder(f);
        }
        return ms;
    }

    /** A plain message of about {@code size} bytes with a unique Message-ID, flagged \Seen like every SMA message. */
    static NewMessage message(int size) {
        String head = "From: bench@kinbox.test\r\nTo: bench@kinbox.test\r\nSubject: bench\r\nMessage-ID: <j" + SEQ.incrementAndGet()
                + "." + System.nanoTime() + "@kinbox.test>\r\nAutocrypt-SMA: v=1; kind=journal; device=0123456789abcdef\r\n\r\n";
        StringBuilder sb = new StringBuilder(size + 80).append(head);
        while (sb.length() < size - 2) sb.append(sb.length() % 78 == 0 ? "\r\n" : "A");
        sb.append("\r\n");
        // \Seen: GreenMail answers a flagged APPEND with an untagged FETCH, which costs it ~44 ms otherwise
        return NewMessage.of(sb.toString().getBytes(StandardCharsets.US_ASCII), Flag.SEEN);
    }
}
