package dev.kinbox.journal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;

/** Runs plugin work on the blocking executor and hands Pekko a Scala future failing with the work's own exception. */
final class Async {
    private Async() {}

    /** Work that may throw. */
    interface Work<T> {
        T run() throws Exception;
    }

    static <T> Future<T> run(Executor executor, Work<T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    f.complete(work.run());
                } catch (Throwable t) {
                    f.completeExceptionally(t); // unwrapped: callers see e.g. RestoreFailed, not CompletionException
                }
            });
        } catch (RuntimeException e) {
            f.completeExceptionally(e);
        }
        return FutureConverters.asScala(f);
    }
}
