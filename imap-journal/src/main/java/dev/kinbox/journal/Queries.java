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
 * Current queries end at the first step that finds nothing new; live ones then wait for a nudge from
 * the folder's author ({@link Wakeups}) or the sweep interval and step again.
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
        Duration sweep = rt.settings().sweepInterval();
        // the reader is made at the first step, so each materialization gets its own (a lazySource did
        // the same with a nested stream interpreter per query: 300,000 queries in a large simulation)
        return Source.unfoldAsync(Optional.<SiblingReader>empty(), held -> {
            SiblingReader reader = held.orElseGet(() -> new SiblingReader(pid, host.deviceId(), fromSeq, toSeq, host.folder(pid), host.sealer, rt.serde(),
                    host.log, rt.stats(), rt.settings().maxFetch()));
            return step(pid, reader, live, sweep).thenApply(next -> next.map(p -> Pair.create(Optional.of(reader), p.second())));
        }).mapConcat(l -> l);
    }

    private CompletionStage<Optional<Pair<NotUsed, List<EventEnvelope>>>> step(String pid, SiblingReader reader, boolean live, Duration sweep) {
        if (reader.finished()) return CompletableFuture.completedFuture(Optional.empty());
        CompletableFuture<Void> wake = wakeups.current(pid); // taken before reading, so a nudge during the read is not lost
        return CompletableFuture.supplyAsync(() -> readOrEmpty(reader, live), rt.blocking()).thenCompose(batch -> {
            if (!batch.isEmpty()) return CompletableFuture.completedFuture(Optional.of(Pair.create(NotUsed.getInstance(), batch)));
            if (!live) return CompletableFuture.completedFuture(Optional.<Pair<NotUsed, List<EventEnvelope>>>empty());
            // nothing new: wait for a nudge or the sweep, then emit an empty batch and step again (after
            // a sweep, start the nudge watch if it could not start before)
            return wakeups.await(wake, sweep).thenApply(v -> {
                if (rt.settings().watchNudges() && !wakeups.watching()) rt.blocking().execute(wakeups::start);
                return Optional.of(Pair.create(NotUsed.getInstance(), List.<EventEnvelope>of()));
            });
        });
    }

    private List<EventEnvelope> readOrEmpty(SiblingReader reader, boolean live) {
        try {
            // a step is all or nothing, so it may run again: a current query first rides out a server restart
            // (a removal's catch-up that ended at the first lost connection retired a device whose last entries
            // it had not read - in a GreenMail run with server restarts, the newcomer that device had paired)
            return live ? reader.step() : dev.kinbox.journal.mail.Retries.afterLostConnections(attempt -> reader.step());
        } catch (dev.kinbox.journal.mail.MailStoreException e) {
            // offline: a live query retries at the next wake-up; a current query ends with what it had
            rt.stats().readFailures.increment();
            return List.of();
        }
    }
}
