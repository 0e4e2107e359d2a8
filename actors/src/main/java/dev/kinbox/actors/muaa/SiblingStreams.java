package dev.kinbox.actors.muaa;

import dev.kinbox.journal.query.KinboxReadJournal;
import dev.kinbox.journal.query.SiblingSnapshot;
import dev.kinbox.journal.sma.SmaFolders;
import dev.kinbox.journal.sma.SmaFormatException;
import dev.kinbox.persistence.AccountEvent;
import dev.kinbox.persistence.AccountState;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorFlow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live {@code kinbox.query} stream per paired sibling, reading its journal and asking the MUAA
 * to apply what it finds: an event as {@link Muaa.Replicate}, a sibling's joined state or compacted
 * {@link SiblingSnapshot} as {@link Muaa.Merge}. {@link #reconcile} starts and stops streams as
 * devices get paired and retired. A stream that fails is started again after a back-off by the
 * MUAA's own timer ({@link #ended}, {@link #restart}) rather than inside a {@code RestartSource}: the
 * restart wrapper ran a second stream interpreter per sibling, and a 100,000-device simulation runs
 * 300,000 of these streams. Used from the actor's thread only.
 */
final class SiblingStreams {
    private static final Logger LOG = LoggerFactory.getLogger(SiblingStreams.class);
    /** Commands a stream has asked and not yet seen answered: enough to keep a busy MUAA fed. */
    private static final int IN_FLIGHT = 8;
    /** Longest wait for one answer before the stream is restarted (a generous bound: persists queue under load). */
    private static final Duration APPLY_TIMEOUT = Duration.ofSeconds(60);
    /** Back-off before a failed stream starts again: doubles per failure in a row, up to the maximum. */
    static final Duration MIN_BACKOFF = Duration.ofMillis(200);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /** A stream that ran this long before it failed starts again after the shortest back-off. */
    private static final long STABLE_NANOS = Duration.ofSeconds(5).toNanos();

    /** One sibling's stream: {@code killSwitch} is null while it waits to start again. */
    private static final class Stream {
        long generation;
        UniqueKillSwitch killSwitch;
        long startedNanos;
        int failures;
    }

    private final ActorSystem<?> system;
    private final ActorRef<Muaa.Command> self;
    private final String accountId;
    private final String readerDeviceId;
    private final TimerScheduler<Muaa.Command> timers;
    private final Map<String, Stream> running = new HashMap<>();
    /**
     * Stream generations, unique in the JVM: a restarted MUAA gets new {@code SiblingStreams} while the
     * ends of its previous incarnation's streams are still on their way to the same actor.
     */
    private static final java.util.concurrent.atomic.AtomicLong GENERATIONS = new java.util.concurrent.atomic.AtomicLong();
    /** A sibling persistence id's live events (the read journal's, or a test's). */
    private final java.util.function.Function<String, Source<Object, NotUsed>> events;
    /** A sibling persistence id's events stored now, a source that completes (for {@link #catchUp}). */
    private final java.util.function.Function<String, Source<Object, NotUsed>> current;

    SiblingStreams(ActorSystem<?> system, ActorRef<Muaa.Command> self, TimerScheduler<Muaa.Command> timers, String accountId,
                   String readerDeviceId) {
        this(system, self, timers, accountId, readerDeviceId,
                pid -> query(system).eventsByPersistenceId(readerDeviceId, pid, 0L, Long.MAX_VALUE).map(SiblingStreams::element),
                pid -> query(system).currentEventsByPersistenceId(readerDeviceId, pid, 0L, Long.MAX_VALUE).map(SiblingStreams::element));
    }

    SiblingStreams(ActorSystem<?> system, ActorRef<Muaa.Command> self, TimerScheduler<Muaa.Command> timers, String accountId,
                   String readerDeviceId, java.util.function.Function<String, Source<Object, NotUsed>> events,
                   java.util.function.Function<String, Source<Object, NotUsed>> current) {
        this.readerDeviceId = readerDeviceId;
        this.system = system;
        this.self = self;
        this.timers = timers;
        this.accountId = accountId;
        this.events = events;
        this.current = current;
    }

    /**
     * An event, state or snapshot whose message was not sealed to some of the reader's siblings (who
     * hear of it through the reader's relay).
     */
    record Unsealed(Object element, Set<String> notSealedTo) {}

    /** What the stream hands on: the payload, wrapped as {@link Unsealed} where the reader relays it. */
    static Object element(org.apache.pekko.persistence.query.EventEnvelope env) {
        if (env.eventMetadata().isDefined() && env.eventMetadata().get() instanceof dev.kinbox.journal.query.KinboxEventMetadata md
                && !md.notSealedTo().isEmpty() && applicable(env.event())) {
            return new Unsealed(env.event(), md.notSealedTo());
        }
        return env.event();
    }

    private static boolean applicable(Object e) {
        return e instanceof AccountEvent || e instanceof AccountState || (e instanceof SiblingSnapshot snap && snap.snapshot() instanceof AccountState);
    }

    private static KinboxReadJournal query(ActorSystem<?> system) {
        return PersistenceQuery.get(system.classicSystem()).getReadJournalFor(KinboxReadJournal.class, KinboxReadJournal.IDENTIFIER);
    }

    /**
     * Reads what {@code sibling}'s folder holds now and has the MUAA apply each element, as a live
     * stream would; completes once all are applied, or fails after {@code timeout}. A removal does
     * this before it retires the sibling (whose entries are refused from then on and whose folder
     * is purged): what the sibling uploaded before, a pairing it made say, is not lost with it.
     */
    java.util.concurrent.CompletionStage<Done> catchUp(String sibling, Duration timeout) {
        return applied(current.apply(pid(sibling))).completionTimeout(timeout).runWith(Sink.ignore(), system);
    }

    /**
     * {@link #catchUp} of every sibling streamed now, side by side; completes (never exceptionally) with
     * how many of them could not be read to their end within {@code timeout}.
     */
    java.util.concurrent.CompletionStage<Integer> catchUpAll(Duration timeout) {
        java.util.List<java.util.concurrent.CompletableFuture<Boolean>> reads = new java.util.ArrayList<>();
        for (String sibling : running.keySet()) {
            reads.add(catchUp(sibling, timeout).toCompletableFuture().handle((done, e) -> {
                if (e != null) LOG.info("{}: could not read the folder of {} to its end: {}", readerDeviceId, sibling, e.toString());
                return e == null;
            }));
        }
        return java.util.concurrent.CompletableFuture.allOf(reads.toArray(java.util.concurrent.CompletableFuture[]::new))
                .thenApply(v -> (int) reads.stream().filter(f -> !f.join()).count());
    }

    /** {@code elements} (what a sibling's folder holds) asked of the MUAA one by one: an answer means persisted or already known. */
    private Source<Done, NotUsed> applied(Source<Object, NotUsed> elements) {
        return elements.filter(e -> e instanceof Unsealed || applicable(e))
                .via(ActorFlow.<Object, Muaa.Command, Done>ask(IN_FLIGHT, self, APPLY_TIMEOUT, SiblingStreams::command));
    }

    private String pid(String sibling) {
        try {
            return SmaFolders.devicePersistenceId(accountId, sibling);
        } catch (SmaFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Runs exactly one stream for each of {@code siblings}. */
    void reconcile(Set<String> siblings) {
        running.entrySet().removeIf(e -> {
            if (siblings.contains(e.getKey())) return false;
            stop(e.getKey(), e.getValue());
            return true;
        });
        for (String s : siblings) {
            if (!running.containsKey(s)) {
                Stream st = new Stream();
                running.put(s, st);
                start(s, st);
            }
        }
    }

    /**
     * A stream ended: unless it was stopped on purpose (or is an older one), start it again after the
     * back-off. A live query never completes by itself, so an end without failure is restarted too.
     */
    void ended(Muaa.SiblingStreamEnded e) {
        Stream st = running.get(e.sibling());
        if (st == null || st.generation != e.generation() || st.killSwitch == null) return;
        st.killSwitch = null;
        st.failures = System.nanoTime() - st.startedNanos >= STABLE_NANOS ? 1 : st.failures + 1;
        Duration wait = backoff(e.sibling(), st.failures);
        LOG.debug("{}: stream of sibling {} ended ({}), again in {} ms", readerDeviceId, e.sibling(),
                e.failure() == null ? "completed" : e.failure().toString(), wait.toMillis());
        timers.startSingleTimer(timerKey(e.sibling()), new Muaa.RestartSiblingStream(e.sibling(), e.generation()), wait);
    }

    /** The back-off of {@link #ended} is over: start the stream again if it is still wanted. */
    void restart(Muaa.RestartSiblingStream r) {
        Stream st = running.get(r.sibling());
        if (st == null || st.generation != r.generation() || st.killSwitch != null) return;
        start(r.sibling(), st);
    }

    /**
     * {@link #MIN_BACKOFF} doubled per failure in a row, at most {@link #MAX_BACKOFF}, stretched by up to
     * 20% (from the sibling's id, so a device's streams that fail together do not restart together).
     */
    static Duration backoff(String sibling, int failures) {
        long base = Math.min(MAX_BACKOFF.toMillis(), MIN_BACKOFF.toMillis() << Math.min(20, Math.max(0, failures - 1)));
        long spread = Math.floorMod(sibling.hashCode() * 31L + failures, 21L);
        return Duration.ofMillis(base + base * spread / 100);
    }

    /** The siblings streamed from now. */
    Set<String> streamed() {
        return Set.copyOf(running.keySet());
    }

    void stopAll() {
        running.forEach(this::stop);
        running.clear();
    }

    private void stop(String sibling, Stream st) {
        if (st.killSwitch != null) st.killSwitch.shutdown();
        timers.cancel(timerKey(sibling));
    }

    private static String timerKey(String sibling) {
        return "sibling-stream-" + sibling;
    }

    private static Muaa.Command command(Object e, ActorRef<Done> applied) {
        Set<String> notSealedTo = e instanceof Unsealed u ? u.notSealedTo() : Set.of();
        Object payload = e instanceof Unsealed u ? u.element() : e;
        if (payload instanceof AccountEvent ae) return new Muaa.Replicate(ae, notSealedTo, applied);
        if (payload instanceof SiblingSnapshot snap) return new Muaa.Merge((AccountState) snap.snapshot(), notSealedTo, applied);
        return new Muaa.Merge((AccountState) payload, notSealedTo, applied);
    }

    private void start(String sibling, Stream st) {
        String pid = pid(sibling);
        // A live query fails when it starts before the sibling's folder exists: restart it (from the
        // start; replayed dots are skipped by Replicate, replayed states join to nothing new). Each
        // element is asked, not told: an answer means persisted (or already known); a command lost to
        // a full stash or to a failed persist (the MUAA restarts) times the ask out, which fails the
        // stream, and the restart reads it again - the reader's position never runs ahead of the MUAA.
        Pair<UniqueKillSwitch, java.util.concurrent.CompletionStage<Done>> run =
                applied(events.apply(pid))
                        .viaMat(KillSwitches.single(), Keep.right())
                        .toMat(Sink.ignore(), Keep.both())
                        .run(system);
        long generation = GENERATIONS.incrementAndGet();
        st.generation = generation;
        st.killSwitch = run.first();
        st.startedNanos = System.nanoTime();
        run.second().whenComplete((done, failure) -> self.tell(new Muaa.SiblingStreamEnded(sibling, generation, failure)));
    }
}
