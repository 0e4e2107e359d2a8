package dev.kinbox.journal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Builds one hosted device's read-journal sources: a {@link SiblingReader} stepped on the blocking executor.
 * Current queries end at the first step that finds nothing new, and fail when the store fails a step
 * (after riding out lost connections): ending there would pass off part of the folder as all of it.
 * Live ones then wait for a nudge from
 * the folder's author ({@link Wakeups}) or the sweep interval and step again: the watched sweep
 * interval while the watch that brings nudges runs, the plain one while it does not.
 */
final class Queries {
    private final KinboxJournalRuntime rt;
    private final DeviceHost host;
    private final Wakeups wakeups;

    Queries(KinboxJournalRuntime rt, DeviceHost host, Wakeups wakeups) {
        this.rt = rt;
        this.host = host;
        this.wakeups = wakeups;
    }

    Source<EventEnvelope, NotUsed> events(String pid, long fromSeq, long toSeq, boolean live) {
        if (live && rt.settings().watchNudges()) rt.blocking().execute(wakeups::start);
        // the reader is made at the first step, so each materialization gets its own (a lazySource did
        // the same with a nested stream interpreter per query: 300,000 queries in a large simulation)
        return Source.unfoldAsync(Optional.<SiblingReader>empty(), held -> {
            SiblingReader reader = held.orElseGet(() -> new SiblingReader(pid, host.deviceId(), fromSeq, toSeq, host.folder(pid), host.sealer, rt.serde(),
                    host.log, rt.stats(), rt.settings().maxFetch(), rt.settings().refusedPassOver()));
            return step(pid, reader, live).thenApply(next -> next.map(p -> Pair.create(Optional.of(reader), p.second())));
        }).mapConcat(l -> l);
    }

    private CompletionStage<Optional<Pair<NotUsed, List<EventEnvelope>>>> step(String pid, SiblingReader reader, boolean live) {
        if (reader.finished()) return CompletableFuture.completedFuture(Optional.empty());
        CompletableFuture<Void> wake = wakeups.current(pid); // taken before reading, so a nudge during the read is not lost
        return CompletableFuture.supplyAsync(() -> read(reader, live), rt.blocking()).thenCompose(read -> {
            if (!live && read.failure() != null) return CompletableFuture.<Optional<Pair<NotUsed, List<EventEnvelope>>>>failedFuture(read.failure());
            List<EventEnvelope> batch = read.events();
            if (!batch.isEmpty()) return CompletableFuture.completedFuture(Optional.of(Pair.create(NotUsed.getInstance(), batch)));
            if (!live) return CompletableFuture.completedFuture(Optional.<Pair<NotUsed, List<EventEnvelope>>>empty());
            // nothing new: wait for a nudge or the sweep, then emit an empty batch and step again (after
            // a sweep, start the nudge watch if it could not start before)
            return wakeups.await(wake, sweep(read.failure() != null)).thenApply(v -> {
                if (rt.settings().watchNudges() && !wakeups.watching()) rt.blocking().execute(wakeups::start);
                return Optional.of(Pair.create(NotUsed.getInstance(), List.<EventEnvelope>of()));
            });
        });
    }

    /**
     * How long a live query that found nothing waits for a nudge before it looks anyway: the plain
     * sweep interval after a failed read (a lost connection: no nudge may ever come for what it
     * missed) or while the nudge watch is not running, else the watched one.
     */
    private Duration sweep(boolean failed) {
        return !failed && wakeups.watching() ? rt.settings().watchedSweepInterval() : rt.settings().sweepInterval();
    }

    /** What one step read; {@code failure}: why the store failed it (nothing was read), or null. */
    private record Read(List<EventEnvelope> events, dev.kinbox.journal.mail.MailStoreException failure) {}

    private Read read(SiblingReader reader, boolean live) {
        try {
            // a step is all or nothing, so it may run again: a current query first rides out a server restart
            // (a removal's catch-up that ended at the first lost connection retired a device whose last entries
            // it had not read - in a GreenMail run with server restarts, the newcomer that device had paired)
            return new Read(live ? reader.step() : dev.kinbox.journal.mail.Retries.afterLostConnections(attempt -> reader.step()), null);
        } catch (dev.kinbox.journal.mail.MailStoreException e) {
            // offline: a live query retries at the next wake-up or the plain sweep; a current query fails (before
            // 2026-12-05 it ended with what it had, and a catch-up that could not read a folder passed for one that did)
            rt.stats().readFailures.increment();
            return new Read(List.of(), e);
        }
    }
}
