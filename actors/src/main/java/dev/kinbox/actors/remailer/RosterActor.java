package dev.kinbox.actors.remailer;

import dev.kinbox.journal.query.KinboxReadJournal;
import dev.kinbox.persistence.crdt.HybridClock;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.typed.javadsl.ActorFlow;

/**
 * One remailer instance's view of its list, event-sourced on the Kinbox runtime: journal
 * {@code kinbox.journal}, persistence id {@code remailer|<list address>|<instanceId>} (stored in the
 * list account's {@code _Autocrypt_SMA_x_<encoded>} folder, one writer per id). Own events are stamped
 * with the instance's {@link HybridClock}; the other instances' events are pulled from their journals
 * with {@code kinbox.query currentEventsByPersistenceId} every {@code pollInterval}, re-persisted here
 * (so a restart offline still knows them) and merged by {@link ListLog}, which orders everything by
 * stamp, so every instance that has seen the same events holds the same roster.
 *
 * <p>No snapshots: a snapshot lets the journal compact on the server, and a reader that lags behind a
 * compaction would get the author's snapshot instead of its events, which this merge cannot use yet.
 */
public final class RosterActor extends EventSourcedBehavior<RosterActor.Command, ListEvent, ListLog> {
    /** What the actor accepts. */
    public sealed interface Command permits Record, RecordCopies, Get, Sync, Replicate, Poll, PollDone {}

    /**
     * Persist roster changes and, when {@code postKey} is not null, mark that post finished, as one
     * atomic write; replies with the merged log after it.
     */
    public record Record(List<RosterEvent> events, String postKey, ActorRef<StatusReply<ListLog>> replyTo) implements Command {
        public Record {
            events = List.copyOf(events);
        }
    }

    /**
     * Persist that these copies of a post went out (its delivery failed part-way; {@code copies} are
     * {@link OutgoingMail#copyId}s); an error if the post is already done.
     */
    public record RecordCopies(String postKey, List<String> copies, ActorRef<StatusReply<ListLog>> replyTo) implements Command {
        public RecordCopies {
            copies = List.copyOf(copies);
        }
    }

    /** Reply with the merged log. */
    public record Get(ActorRef<StatusReply<ListLog>> replyTo) implements Command {}

    /**
     * Read every sibling's journal once more, from polls that start after this command, then reply
     * with the merged log; an error if a sibling's journal could not be read (admin commands use it to
     * see the other instances' latest state before acting).
     */
    public record Sync(ActorRef<StatusReply<ListLog>> replyTo) implements Command {}

    /**
     * An event read from another instance's journal (asked by the actor's own polls: {@code applied}
     * is told once it is persisted or known, so an event dropped from a full stash fails the poll
     * instead of being skipped).
     */
    public record Replicate(String from, long seq, ListEvent event, ActorRef<Done> applied) implements Command {}

    /** Timer tick: read the other instances' journals. */
    public enum Poll implements Command { INSTANCE }

    /** A poll of {@code from} ended; {@code failure} is null when it succeeded. */
    public record PollDone(String from, Throwable failure) implements Command {}

    /** Who and how: {@code instanceId} and {@code siblingIds} are device ids (16 lowercase hex digits). */
    public record Settings(ListSettings list, String instanceId, List<String> siblingIds, Duration pollInterval) {
        public Settings {
            siblingIds = List.copyOf(siblingIds);
            if (pollInterval.isNegative() || pollInterval.isZero()) throw new IllegalArgumentException("pollInterval must be positive");
            dev.kinbox.persistence.crdt.Ids.requireDeviceId(instanceId);
            for (String s : siblingIds) dev.kinbox.persistence.crdt.Ids.requireDeviceId(s);
            if (siblingIds.contains(instanceId)) throw new IllegalArgumentException("an instance is not its own sibling");
        }

        Set<String> instances() {
            Set<String> all = new TreeSet<>(siblingIds);
            all.add(instanceId);
            return all;
        }
    }

    /** The persistence id of one instance of a list. */
    public static String persistenceId(String listAddress, String instanceId) {
        return "remailer|" + listAddress + "|" + instanceId;
    }

    private final Settings settings;
    private final HybridClock hlc;
    private final Map<String, Long> nextSeq = new HashMap<>();
    private final Set<String> polling = new TreeSet<>();
    private final Map<String, Long> pollsDone = new HashMap<>();
    private final List<Waiter> waiters = new ArrayList<>();

    // A Sync waiting for pollsDone to reach need for every sibling.
    private record Waiter(ActorRef<StatusReply<ListLog>> replyTo, Map<String, Long> need) {}
    private KinboxReadJournal query;
    private org.apache.pekko.actor.typed.javadsl.ActorContext<Command> ctx;

    /** The behavior; {@code clock} is its only time source. */
    public static Behavior<Command> create(Settings settings, Clock clock) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            RosterActor a = new RosterActor(settings, clock);
            a.ctx = ctx;
            a.query = PersistenceQuery.get(ctx.getSystem().classicSystem())
                    .getReadJournalFor(KinboxReadJournal.class, KinboxReadJournal.IDENTIFIER);
            if (!settings.siblingIds().isEmpty()) timers.startTimerWithFixedDelay(Poll.INSTANCE, settings.pollInterval());
            return a;
        }));
    }

    private RosterActor(Settings settings, Clock clock) {
        super(PersistenceId.ofUniqueId(persistenceId(settings.list().listAddress(), settings.instanceId())));
        this.settings = settings;
        this.hlc = new HybridClock(clock, settings.instanceId());
    }

    @Override public String journalPluginId() { return "kinbox.journal"; }

    @Override public String snapshotPluginId() { return "kinbox.snapshot-store"; }

    @Override public ListLog emptyState() {
        return ListLog.empty(settings.instances(), settings.list());
    }

    @Override public CommandHandler<Command, ListEvent, ListLog> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Record.class, this::record)
                .onCommand(RecordCopies.class, this::recordCopies)
                .onCommand(Get.class, (log, c) -> Effect().reply(c.replyTo(), StatusReply.success(log)))
                .onCommand(Replicate.class, (log, c) -> {
                    // the next poll starts after the events taken in an unbroken run, never past one that went missing
                    if (c.seq() == nextSeq.getOrDefault(c.from(), 1L)) nextSeq.put(c.from(), c.seq() + 1);
                    boolean theirs = c.event().hlc().node().equals(c.from());
                    return !theirs || log.seen(c.event()) ? Effect().reply(c.applied(), Done.getInstance())
                            : Effect().persist(c.event()).thenReply(c.applied(), x -> Done.getInstance());
                })
                .onCommand(Poll.class, (log, c) -> {
                    for (String s : settings.siblingIds()) poll(s);
                    return Effect().none();
                })
                .onCommand(Sync.class, (log, c) -> {
                    Map<String, Long> need = new HashMap<>();
                    // a poll already running may have started before the Sync: wait for the one after it
                    for (String s : settings.siblingIds()) need.put(s, pollsDone.getOrDefault(s, 0L) + (polling.contains(s) ? 2 : 1));
                    waiters.add(new Waiter(c.replyTo(), need));
                    for (String s : settings.siblingIds()) poll(s);
                    answerWaiters(log, null, null);
                    return Effect().none();
                })
                .onCommand(PollDone.class, (log, c) -> {
                    polling.remove(c.from());
                    pollsDone.merge(c.from(), 1L, Long::sum);
                    answerWaiters(log, c.from(), c.failure());
                    return Effect().none();
                })
                .build();
    }

    @Override public EventHandler<ListLog, ListEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent((log, e) -> {
            hlc.observe(e.hlc());
            return log.add(e);
        });
    }

    private Effect<ListEvent, ListLog> record(ListLog log, Record c) {
        if (c.postKey() != null && log.done(c.postKey())) {
            return Effect().reply(c.replyTo(), StatusReply.error("post " + ListMail.clip(c.postKey()) + " was already handled"));
        }
        List<ListEvent> out = new ArrayList<>();
        try {
            for (RosterEvent e : c.events()) out.add(new ListEvent.Changed(hlc.now(), e));
            if (c.postKey() != null) out.add(new ListEvent.PostDone(hlc.now(), c.postKey()));
        } catch (IllegalArgumentException bad) {
            return Effect().reply(c.replyTo(), StatusReply.error(bad.getMessage()));
        }
        if (out.isEmpty()) return Effect().reply(c.replyTo(), StatusReply.success(log));
        return Effect().persist(out).thenReply(c.replyTo(), StatusReply::success);
    }

    private Effect<ListEvent, ListLog> recordCopies(ListLog log, RecordCopies c) {
        if (log.done(c.postKey())) {
            return Effect().reply(c.replyTo(), StatusReply.error("post " + ListMail.clip(c.postKey()) + " was already handled"));
        }
        Set<String> known = log.copiesSent(c.postKey());
        List<String> fresh = c.copies().stream().filter(x -> !known.contains(x)).distinct().toList();
        List<ListEvent> out = new ArrayList<>();
        try {
            for (int i = 0; i < fresh.size(); i += ListEvent.CopiesSent.MAX_COPIES) {
                out.add(new ListEvent.CopiesSent(hlc.now(), c.postKey(), fresh.subList(i, Math.min(fresh.size(), i + ListEvent.CopiesSent.MAX_COPIES))));
            }
        } catch (IllegalArgumentException bad) {
            return Effect().reply(c.replyTo(), StatusReply.error(bad.getMessage()));
        }
        if (out.isEmpty()) return Effect().reply(c.replyTo(), StatusReply.success(log));
        return Effect().persist(out).thenReply(c.replyTo(), StatusReply::success);
    }

    // One current query per sibling at a time, from the next sequence number not yet seen; only the
    // sibling's own events are taken (it re-persists ours and others', which we read at their source).
    private void poll(String sibling) {
        if (!polling.add(sibling)) return;
        ActorRef<Command> self = ctx.getSelf();
        long from = nextSeq.getOrDefault(sibling, 1L);
        query.currentEventsByPersistenceId(persistenceId(settings.list().listAddress(), sibling), from, Long.MAX_VALUE)
                .filter(env -> env.event() instanceof ListEvent)
                .via(ActorFlow.<org.apache.pekko.persistence.query.EventEnvelope, Command, Done>ask(8, self, Duration.ofSeconds(30),
                        (env, applied) -> new Replicate(sibling, env.sequenceNr(), (ListEvent) env.event(), applied)))
                .runWith(Sink.ignore(), ctx.getSystem())
                .whenComplete((done, failure) -> self.tell(new PollDone(sibling, failure)));
    }

    private void answerWaiters(ListLog log, String polled, Throwable failure) {
        for (java.util.Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (failure != null && w.need().containsKey(polled)) {
                w.replyTo().tell(StatusReply.error("reading instance " + polled + "'s journal failed: " + ListMail.clip(String.valueOf(failure.getMessage()))));
                it.remove();
                continue;
            }
            boolean all = true;
            for (Map.Entry<String, Long> n : w.need().entrySet()) {
                if (pollsDone.getOrDefault(n.getKey(), 0L) < n.getValue()) {
                    all = false;
                    if (!polling.contains(n.getKey())) poll(n.getKey());
                }
            }
            if (all) {
                w.replyTo().tell(StatusReply.success(log));
                it.remove();
            }
        }
    }
}
