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
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.typed.javadsl.ActorFlow;

/**
 * One live {@code kinbox.query} stream per paired sibling, reading its journal and asking the MUAA
 * to apply what it finds: an event as {@link Muaa.Replicate}, a sibling's joined state or compacted
 * {@link SiblingSnapshot} as {@link Muaa.Merge}. {@link #reconcile} starts and stops streams as
 * devices get paired and retired. Used from the actor's thread only.
 */
final class SiblingStreams {
    /** Commands a stream has asked and not yet seen answered: enough to keep a busy MUAA fed. */
    private static final int IN_FLIGHT = 8;
    /** Longest wait for one answer before the stream is restarted (a generous bound: persists queue under load). */
    private static final Duration APPLY_TIMEOUT = Duration.ofSeconds(60);

    private final ActorSystem<?> system;
    private final ActorRef<Muaa.Command> self;
    private final String accountId;
    private final String readerDeviceId;
    private final Map<String, UniqueKillSwitch> running = new HashMap<>();
    private KinboxReadJournal query;

    SiblingStreams(ActorSystem<?> system, ActorRef<Muaa.Command> self, String accountId, String readerDeviceId) {
        this.readerDeviceId = readerDeviceId;
        this.system = system;
        this.self = self;
        this.accountId = accountId;
    }

    /** Runs exactly one stream for each of {@code siblings}. */
    void reconcile(Set<String> siblings) {
        running.entrySet().removeIf(e -> {
            if (siblings.contains(e.getKey())) return false;
            e.getValue().shutdown();
            return true;
        });
        for (String s : siblings) if (!running.containsKey(s)) running.put(s, start(s));
    }

    /** The siblings streamed from now. */
    Set<String> streamed() {
        return Set.copyOf(running.keySet());
    }

    void stopAll() {
        running.values().forEach(UniqueKillSwitch::shutdown);
        running.clear();
    }

    private static Muaa.Command command(Object e, ActorRef<Done> applied) {
        if (e instanceof AccountEvent ae) return new Muaa.Replicate(ae, applied);
        if (e instanceof SiblingSnapshot snap) return new Muaa.Merge((AccountState) snap.snapshot(), applied);
        return new Muaa.Merge((AccountState) e, applied);
    }

    private UniqueKillSwitch start(String sibling) {
        if (query == null) {
            query = PersistenceQuery.get(system.classicSystem()).getReadJournalFor(KinboxReadJournal.class, KinboxReadJournal.IDENTIFIER);
        }
        String pid;
        try {
            pid = SmaFolders.devicePersistenceId(accountId, sibling);
        } catch (SmaFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        // A live query fails when it starts before the sibling's folder exists: restart it (from the
        // start; replayed dots are skipped by Replicate, replayed states join to nothing new). Each
        // element is asked, not told: an answer means persisted (or already known); a command lost to
        // a full stash or to a failed persist (the MUAA restarts) times the ask out, which fails the
        // stream, and the restart reads it again - the reader's position never runs ahead of the MUAA.
        return RestartSource.onFailuresWithBackoff(RestartSettings.create(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2),
                        () -> query.eventsByPersistenceId(readerDeviceId, pid, 0L, Long.MAX_VALUE)
                                .map(env -> env.event())
                                .filter(e -> e instanceof AccountEvent || e instanceof AccountState
                                        || (e instanceof SiblingSnapshot snap && snap.snapshot() instanceof AccountState))
                                .via(ActorFlow.<Object, Muaa.Command, Done>ask(IN_FLIGHT, self, APPLY_TIMEOUT, SiblingStreams::command)))
                .viaMat(KillSwitches.single(), Keep.right())
                .toMat(Sink.ignore(), Keep.left())
                .run(system);
    }
}
