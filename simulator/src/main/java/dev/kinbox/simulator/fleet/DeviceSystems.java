package dev.kinbox.simulator.fleet;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.kinbox.actors.muaa.Muaa;
import dev.kinbox.journal.Keyring;
import dev.kinbox.journal.KinboxJournalSetup;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.store.LocalLog;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;

/**
 * One device in one ActorSystem, the way a mail client embeds Kinbox: the system's journal gets the
 * device's store, keyring and local log. Used by {@code kinbox bench replication} (the simulator hosts
 * all its devices in one system, {@link HostedFleet}). With {@code smallPools} the thread pools are
 * kept small (2 actor threads, 4 blocking) so a few dozen systems fit on a small machine.
 */
public final class DeviceSystems {
    private static final AtomicLong SEQ = new AtomicLong();
    /** How long an ask of a MUAA may take. */
    public static final Duration ASK = Duration.ofSeconds(30);

    private DeviceSystems() {}

    /** Starts a system named {@code prefix-<n>} whose journal uses {@code store}, {@code keyring} and {@code log}. */
    public static ActorSystem<Void> start(String prefix, MailStore store, Keyring keyring, LocalLog log, boolean smallPools) {
        String pools = smallPools ? String.join("\n", "pekko.actor.default-dispatcher.fork-join-executor.parallelism-max = 2",
                "kinbox.blocking-dispatcher.thread-pool-executor.fixed-pool-size = 4") : "";
        Config c = ConfigFactory.parseString(String.join("\n", "pekko.loglevel = WARNING", "pekko.stdout-loglevel = WARNING",
                "kinbox.runtime.upload.backoff-max = 200ms", pools)).withFallback(ConfigFactory.load());
        return ActorSystem.create(Behaviors.empty(), prefix + "-" + SEQ.incrementAndGet(),
                BootstrapSetup.create(c).and(KinboxJournalSetup.of(Optional.of(store), Optional.of(keyring), Optional.of(log))));
    }

    /** Terminates {@code sys} and waits (up to 30 s) until it has. */
    public static void stop(ActorSystem<Void> sys) throws Exception {
        sys.terminate();
        sys.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** Asks {@code m} and waits for a successful reply (at most {@link #ASK}). */
    public static <T> T ask(ActorSystem<Void> sys, ActorRef<Muaa.Command> m,
                            org.apache.pekko.japi.function.Function<ActorRef<StatusReply<T>>, Muaa.Command> make) throws Exception {
        StatusReply<T> reply = AskPattern.ask(m, make, ASK, sys.scheduler()).toCompletableFuture().get(ASK.toSeconds(), TimeUnit.SECONDS);
        return requireSuccess(reply);
    }

    /** The current state of {@code m}. */
    public static AccountState state(ActorSystem<Void> sys, ActorRef<Muaa.Command> m) throws Exception {
        return ask(sys, m, (ActorRef<StatusReply<AccountState>> to) -> new Muaa.GetState(to));
    }

    /**
     * {@code ask} as a plain future completed on {@code system}'s default dispatcher, so callers may
     * chain on it freely. The stage {@link AskPattern#ask} returns is a Scala future seen as a Java one,
     * which runs every callback - even {@code thenApply}'s or {@code whenComplete}'s - on the default
     * async executor, and with fewer than 3 cores that executor starts a new thread for each callback: a
     * 100,000-device run stalled with every dispatcher thread in {@code Thread.start}
     * (docs/ARCHITECTURE.md, "Threads"). So a fleet chains on an ask only through this.
     */
    public static <T> CompletableFuture<T> onDispatcher(ActorSystem<?> system, CompletionStage<T> ask) {
        CompletableFuture<T> f = new CompletableFuture<>();
        ask.whenCompleteAsync((v, e) -> {
            if (e == null) f.complete(v);
            else f.completeExceptionally(e);
        }, system.executionContext());
        return f;
    }

    /** The value of a successful reply; {@link IllegalStateException} with the MUAA's reason otherwise. */
    public static <T> T requireSuccess(StatusReply<T> reply) {
        if (reply.isError()) throw new IllegalStateException("MUAA refused: " + reply.getError().getMessage());
        return reply.getValue();
    }

    /**
     * What went wrong, for a person: the message of the failure under the future's wrappers, or its
     * kind when it has none (a {@code get} that timed out says "TimeoutException: no answer in time").
     */
    public static String reason(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) t = t.getCause();
        if (t.getMessage() != null) return t.getMessage();
        return t.getClass().getSimpleName() + (t instanceof TimeoutException ? ": no answer in time" : "");
    }
}
