package dev.kinbox.actors.muaa;

import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;

/**
 * A device leaving its account for good (docs/PROTOCOL.md, "Removal and expiry"): the one sequence
 * both the embedding API's leave and the simulator's orderly leave run before they stop the MUAA.
 * <ol>
 *   <li>{@code Muaa.CatchUp}: every paired sibling's folder read to its end and applied, so what only
 *       this device could still relay is relayed;</li>
 *   <li>when its state has a paired sibling, {@code RemoveDevice} of its own id with
 *       {@code evenThisDevice}: retired once all it wrote is on the server, answered once the retirement is
 *       there too, both within 5 s (an offline device leaves too). A lone device is not retired: a later device would
 *       find no one to pair with.</li>
 *   <li>once retired, {@code AwaitLeaveRead}: at most {@code readWait} until a paired sibling's roll lists
 *       this device, meanwhile uploading again what the server lost of its leave (a provider could
 *       otherwise withhold it from every sibling until this device's expiry).</li>
 * </ol>
 * The caller then stops the MUAA and waits for its uploads: only they tell that the retirement is on the server.
 */
public final class Leave {
    /** How long each ask of the retirement may take: a busy MUAA answers late; the retirement itself waits at most 5 s for the server. */
    static final Duration RETIRE_WAIT = Duration.ofSeconds(30);

    private Leave() {}

    /** Whether the device retired itself. */
    public enum Retirement {
        /** Its retirement is persisted (and on the server, or the uploads the caller awaits next carry it). */
        RETIRED,
        /** It had no paired sibling to tell, so it did not retire itself. */
        ALONE,
        /** The retirement was refused, failed or timed out; its siblings retire it once it is silent past the expiry. */
        FAILED
    }

    /**
     * @param allRead    whether every paired sibling's folder was read to its end in time
     * @param retirement what became of the retirement
     * @param readBack   whether a paired sibling showed, within the wait, that it read the retirement (its
     *                   roll lists this device): from then on the account keeps it whatever the provider
     *                   withholds; false for a device that did not retire itself
     */
    public record Outcome(boolean allRead, Retirement retirement, boolean readBack) {
        /** Read everything, and either retired or alone: nothing is left for the expiry to clean up. */
        public boolean confirmed() { return allRead && retirement != Retirement.FAILED; }
    }

    /**
     * The longest {@link #run} takes with {@code catchUpWait} and {@code readWait}: the catch-up and its answer, two asks
     * of the retirement, then the wait for a sibling to read it and its last look.
     */
    public static Duration longest(Duration catchUpWait, Duration readWait) {
        return catchUpWait.plusSeconds(5).plus(RETIRE_WAIT.multipliedBy(3)).plus(readWait);
    }

    /**
     * Runs the sequence on {@code muaa} (device {@code deviceId}); the catch-up may take {@code catchUpWait}, the wait
     * for a sibling to read the retirement {@code readWait} (zero: none). Never completes exceptionally: a failure
     * shows in the outcome.
     */
    public static CompletionStage<Outcome> run(ActorRef<Muaa.Command> muaa, String deviceId, Duration catchUpWait, Duration readWait,
                                               Scheduler scheduler) {
        CompletionStage<Boolean> read = AskPattern.<Muaa.Command, StatusReply<Integer>>ask(muaa, to -> new Muaa.CatchUp(catchUpWait, to),
                catchUpWait.plusSeconds(5), scheduler).handle((reply, failure) -> failure == null && reply.isSuccess() && reply.getValue() == 0);
        return read.thenCompose(all -> retire(muaa, deviceId, scheduler).thenCompose(r -> r != Retirement.RETIRED || readWait.isZero()
                ? CompletableFuture.completedFuture(new Outcome(all, r, false))
                : awaitRead(muaa, readWait, scheduler).thenApply(back -> new Outcome(all, r, back))));
    }

    /**
     * The sequence's third step alone, for a caller that ran {@link #run} with no read wait and waits apart (the
     * simulator, so that its account's later steps go on meanwhile): whether a paired sibling showed within
     * {@code readWait} that it read the retirement. Never completes exceptionally: false on any failure.
     */
    public static CompletionStage<Boolean> awaitRead(ActorRef<Muaa.Command> muaa, Duration readWait, Scheduler scheduler) {
        // the reply comes after the look running at the deadline: a slow server may hold that one up
        return AskPattern.<Muaa.Command, StatusReply<Boolean>>ask(muaa, to -> new Muaa.AwaitLeaveRead(readWait, to), readWait.plus(RETIRE_WAIT), scheduler)
                .handle((reply, failure) -> failure == null && reply.isSuccess() && reply.getValue());
    }

    private static CompletionStage<Retirement> retire(ActorRef<Muaa.Command> muaa, String deviceId, Scheduler scheduler) {
        return AskPattern.<Muaa.Command, StatusReply<AccountState>>ask(muaa, Muaa.GetState::new, RETIRE_WAIT, scheduler)
                .thenCompose(reply -> {
                    if (!reply.isSuccess()) return CompletableFuture.completedFuture(Retirement.FAILED);
                    boolean siblings = reply.getValue().devices().entrySet().stream()
                            .anyMatch(e -> !e.getKey().equals(deviceId) && e.getValue().status() == DeviceStatus.PAIRED);
                    if (!siblings) return CompletableFuture.completedFuture(Retirement.ALONE);
                    return AskPattern.<Muaa.Command, StatusReply<String>>ask(muaa, to -> new Muaa.RemoveDevice(deviceId, true, to), RETIRE_WAIT, scheduler)
                            .thenApply(r -> r.isSuccess() ? Retirement.RETIRED : Retirement.FAILED);
                })
                .exceptionally(e -> Retirement.FAILED);
    }
}
