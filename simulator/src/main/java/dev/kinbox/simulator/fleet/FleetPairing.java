package dev.kinbox.simulator.fleet;

import dev.kinbox.actors.muaa.Muaa;
import dev.kinbox.actors.muaa.PairingApprover;
import dev.kinbox.actors.muaa.PairingOutcome;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;

/**
 * Pairing by short code as a user does it, for every device of a fleet: the existing device shows a
 * code ({@link PairingApprover#showCode}, the fleet-wide approver here, which approves and hands the
 * code over), the user types it on the new device ({@link Muaa.EnterPairingCode}), and the new device
 * reports the result ({@link PairingOutcome.Paired}). The QR path is refused: the simulator's users
 * type codes.
 */
final class FleetPairing implements PairingApprover {
    private static final AtomicLong SEQ = new AtomicLong();
    private final Map<String, CompletableFuture<String>> shown = new ConcurrentHashMap<>();

    @Override public CompletionStage<Optional<String>> scanQr(PairingRequest request) {
        return CompletableFuture.completedFuture(Optional.empty());
    }

    @Override public CompletionStage<Boolean> showCode(PairingRequest request, String code) {
        shown.computeIfAbsent(request.deviceId(), k -> new CompletableFuture<>()).complete(code);
        return CompletableFuture.completedFuture(true);
    }

    /**
     * Pairs the new device {@code fresh} (id {@code freshId}, started and awaiting pairing) with the
     * existing device {@code existingId}; returns once the pairing is complete on both (the existing device
     * persisted it and answered, {@code fresh} holds the account keys and recorded it). Every wait
     * is bounded by {@code timeout}; a pairing that ends before a code is shown (the existing device
     * refused and aborted it) fails at once, with its reason.
     */
    PairingOutcome.Paired pair(ActorSystem<?> system, ActorRef<Muaa.Command> fresh, String freshId, String existingId, Duration timeout)
            throws Exception {
        CompletableFuture<String> code = shown.computeIfAbsent(freshId, k -> new CompletableFuture<>());
        CompletableFuture<StatusReply<PairingOutcome.Paired>> done = new CompletableFuture<>();
        ActorRef<StatusReply<PairingOutcome.Paired>> doneRef = promise(system, done, timeout);
        try {
            PairingOutcome.Started started = DeviceSystems.requireSuccess(AskPattern.<Muaa.Command, StatusReply<PairingOutcome.Started>>ask(fresh,
                    to -> new Muaa.RequestPairing(existingId, PairingMethod.CODE, to, doneRef), timeout, system.scheduler())
                    .toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS));
            // the existing device shows a code, or refuses (retired, say) and aborts: then the pairing ends without one
            CompletableFuture.anyOf(code, done).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!code.isDone()) return DeviceSystems.requireSuccess(done.get());
            String typed = code.get();
            DeviceSystems.requireSuccess(AskPattern.<Muaa.Command, StatusReply<String>>ask(fresh,
                    to -> new Muaa.EnterPairingCode(started.sessionId(), typed, to), timeout, system.scheduler())
                    .toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS));
            return DeviceSystems.requireSuccess(done.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } finally {
            shown.remove(freshId);
            if (!done.isDone()) doneRef.tell(StatusReply.error("pairing abandoned")); // stops the promise actor
        }
    }

    /** A one-shot reply target outside any actor: completes {@code f} with the first message, or fails it after {@code timeout}. */
    private static <T> ActorRef<T> promise(ActorSystem<?> system, CompletableFuture<T> f, Duration timeout) {
        Object timedOut = new Object();
        Behavior<Object> b = Behaviors.setup(ctx -> {
            ctx.setReceiveTimeout(timeout, timedOut);
            return Behaviors.receiveMessage(m -> {
                if (m == timedOut) f.completeExceptionally(new TimeoutException("no pairing result within " + timeout.toSeconds() + " s"));
                else f.complete(cast(m));
                return Behaviors.stopped();
            });
        });
        return system.systemActorOf(b, "sim-pairing-" + SEQ.incrementAndGet(), Props.empty()).narrow();
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object m) { return (T) m; }
}
