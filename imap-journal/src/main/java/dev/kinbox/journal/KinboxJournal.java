package dev.kinbox.journal;

import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.japi.AsyncWriteJournal;
import scala.concurrent.Future;

/**
 * The {@code kinbox.journal} plugin. Thin: every call runs on the runtime's blocking executor against
 * the local log ({@link LocalJournal}); a write is acknowledged once the local append is durable, then
 * the persistence id's {@link Uploader} is kicked. Recovery of a persistence id the local log knows
 * nothing of first restores it from the server ({@link Restorer}).
 */
public final class KinboxJournal extends AsyncWriteJournal {
    /**
     * Tag (Pekko {@code EventSourcedBehavior.tagsFor}) of an event that stays in the local log and is
     * never uploaded: an event this device only replicated from a sibling (the sibling's folder holds
     * it), or a sibling's snapshot merged in. The entries around it cover its sequence number, so
     * readers see no gap; a restore from the server does not bring it back (the siblings do).
     */
    public static final String LOCAL_ONLY_TAG = "kinbox:local-only";

    private final KinboxJournalRuntime rt = KinboxJournalRuntime.get(context().system());

    @Override
    public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
        return local(() -> {
            java.util.List<Optional<Exception>> results = new java.util.ArrayList<>();
            java.util.Set<String> written = new java.util.LinkedHashSet<>();
            for (AtomicWrite w : messages) { // one persistence id each; Pekko batches one actor's writes
                results.addAll(rt.hostFor(w.persistenceId()).local.write(java.util.List.of(w), written::add));
            }
            // kick once the whole batch is durable, so it goes up as one entry rather than racing the writes
            for (String pid : written) rt.hostFor(pid).uploader(pid).kick();
            return results;
        });
    }

    @Override
    public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
        // Local deletion first (durable, hides the events at once), then wait - without holding a
        // thread - for the uploader to carry it to the server: mark, then entries. Offline (an upload
        // run fails) or after delete-wait it completes anyway; the uploader finishes the job later.
        java.util.concurrent.CompletableFuture<Void> f = new java.util.concurrent.CompletableFuture<>();
        rt.localWork().execute(() -> {
            try {
                DeviceHost host = rt.hostFor(persistenceId);
                long n = host.local.delete(persistenceId, toSequenceNr);
                host.uploader(persistenceId).deletedOnServer(n, rt.settings().upload().deleteWait()).whenComplete((v, t) -> f.complete(null));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return scala.jdk.javaapi.FutureConverters.asScala(f);
    }

    @Override
    public Future<Void> doAsyncReplayMessages(String persistenceId, long fromSequenceNr, long toSequenceNr, long max,
                                              Consumer<PersistentRepr> replayCallback) {
        return local(() -> {
            rt.hostFor(persistenceId).local.replay(persistenceId, fromSequenceNr, toSequenceNr, max, replayCallback);
            return null;
        });
    }

    @Override
    public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
        return async(() -> {
            DeviceHost host = rt.hostFor(persistenceId);
            host.restorer.ensureRestored(persistenceId);
            host.uploader(persistenceId).kick(); // a backlog left by an earlier run uploads from now on
            return host.local.highest(persistenceId);
        });
    }

    /** Work that may go to the server (restore): the network pool. */
    private <T> Future<T> async(Async.Work<T> work) {
        return Async.run(rt.blocking(), work);
    }

    /** Work on the local log only: its own pool. */
    private <T> Future<T> local(Async.Work<T> work) {
        return Async.run(rt.localWork(), work);
    }
}
