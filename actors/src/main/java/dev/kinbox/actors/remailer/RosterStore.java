package dev.kinbox.actors.remailer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Where {@link RemailerService} keeps the roster and the finished posts: in memory (one instance,
 * nothing survives a restart) or in a {@link RosterActor} (journaled, shared by every instance).
 * {@link #record} returns only when the events are durable.
 */
public interface RosterStore {
    /** The current roster. */
    Roster roster();

    /** Whether the post with this key was already handled (by any instance). */
    boolean done(String postKey);

    /** The copies of an unfinished post already sent ({@link OutgoingMail#copyId}s; see {@link ListEvent.CopiesSent}). */
    Set<String> copiesSent(String postKey);

    /** Persists that these copies of an unfinished post went out, so a retry skips them. */
    void recordCopiesSent(String postKey, List<String> copies) throws RemailerException;

    /** Persists a post's events and marks it handled ({@code postKey} may be null: events only). */
    void record(List<RosterEvent> events, String postKey) throws RemailerException;

    /**
     * Reads the other instances' latest state now, so that {@link #done} also answers for posts they
     * handled moments ago; nothing to do for a single instance.
     */
    default void catchUp() throws RemailerException {}

    /** The key of an inbox message: SHA-256 of the bytes as fetched, so a moved copy keeps its key. */
    static String postKey(byte[] raw) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** A roster in memory starting at {@code initial}; {@code events} sees every recorded batch. */
    static RosterStore inMemory(Roster initial, Consumer<List<RosterEvent>> events) {
        Objects.requireNonNull(events);
        return new RosterStore() {
            private Roster roster = Objects.requireNonNull(initial);
            private final LinkedHashSet<String> done = new LinkedHashSet<>();
            private final Map<String, Set<String>> sent = new HashMap<>();

            @Override public synchronized Roster roster() { return roster; }

            @Override public synchronized boolean done(String postKey) { return done.contains(postKey); }

            @Override public synchronized Set<String> copiesSent(String postKey) {
                return Set.copyOf(sent.getOrDefault(postKey, Set.of()));
            }

            @Override public synchronized void recordCopiesSent(String postKey, List<String> copies) {
                if (!done.contains(postKey)) sent.computeIfAbsent(postKey, k -> new HashSet<>()).addAll(copies);
            }

            @Override public synchronized void record(List<RosterEvent> es, String postKey) {
                roster = roster.applyAll(es);
                if (postKey != null && done.add(postKey) && done.size() > ListLog.MAX_DONE) done.remove(done.iterator().next());
                if (postKey != null) sent.remove(postKey);
                if (!es.isEmpty()) events.accept(es);
            }
        };
    }

    /** The roster of a running {@link RosterActor}; each call asks it, waiting at most {@code timeout}. */
    static RosterStore ofActor(ActorSystem<?> system, ActorRef<RosterActor.Command> actor, Duration timeout) {
        return new RosterStore() {
            @Override public Roster roster() { return log().roster(); }

            @Override public boolean done(String postKey) { return log().done(postKey); }

            @Override public Set<String> copiesSent(String postKey) { return log().copiesSent(postKey); }

            @Override public void recordCopiesSent(String postKey, List<String> copies) throws RemailerException {
                await(AskPattern.askWithStatus(actor, r -> new RosterActor.RecordCopies(postKey, copies, r), timeout, system.scheduler()));
            }

            @Override public void record(List<RosterEvent> events, String postKey) throws RemailerException {
                await(AskPattern.askWithStatus(actor, r -> new RosterActor.Record(events, postKey, r), timeout, system.scheduler()));
            }

            @Override public void catchUp() throws RemailerException {
                await(AskPattern.askWithStatus(actor, RosterActor.Sync::new, timeout, system.scheduler()));
            }

            private ListLog log() {
                try {
                    return await(AskPattern.askWithStatus(actor, RosterActor.Get::new, timeout, system.scheduler()));
                } catch (RemailerException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }

            private ListLog await(CompletionStage<ListLog> s) throws RemailerException {
                try {
                    return s.toCompletableFuture().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RemailerException.StateUnavailable("interrupted while asking the roster", e);
                } catch (Exception e) {
                    throw new RemailerException.StateUnavailable("the roster did not answer: " + ListMail.clip(String.valueOf(e.getMessage())), e);
                }
            }
        };
    }
}
