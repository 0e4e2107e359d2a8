package dev.kinbox.simulator.fleet;

import dev.kinbox.actors.muaa.Muaa;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The guardian of a {@link HostedFleet}'s ActorSystem: every device's MUAA is its child. It spawns a
 * MUAA on request and stops one, answering once the child has really terminated (so a restarted
 * device can take the same name and the journal no longer sees the old incarnation).
 */
final class Supervisor {
    sealed interface Command {}

    /** Spawn {@code behavior} as child {@code name}; reply with its ref. */
    record Spawn(Behavior<Muaa.Command> behavior, String name, ActorRef<ActorRef<Muaa.Command>> replyTo) implements Command {}

    /** Stop {@code child}; reply once it terminated. */
    record Stop(ActorRef<Muaa.Command> child, ActorRef<Done> replyTo) implements Command {}

    private record Terminated(ActorRef<Muaa.Command> child) implements Command {}

    private Supervisor() {}

    /**
     * {@code muaa} restarted (from its local log) after a failure, as a mail client would restart its
     * device: on a busy IMAP server a local write can wait behind store work past the journal's circuit
     * breaker, and the MUAA stops on a failed persist (measured on GreenMail with hundreds of devices).
     */
    static Behavior<Muaa.Command> restarting(Behavior<Muaa.Command> muaa) {
        return Behaviors.supervise(muaa).onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    }

    static Behavior<Command> create() {
        return Behaviors.setup(ctx -> {
            Map<ActorRef<Muaa.Command>, ActorRef<Done>> stopping = new HashMap<>();
            return Behaviors.receive(Command.class)
                    .onMessage(Spawn.class, s -> {
                        ActorRef<Muaa.Command> child = ctx.spawn(s.behavior(), s.name());
                        ctx.watchWith(child, new Terminated(child));
                        s.replyTo().tell(child);
                        return Behaviors.same();
                    })
                    .onMessage(Stop.class, s -> {
                        if (ctx.getChild(s.child().path().name()).isEmpty()) {
                            s.replyTo().tell(Done.getInstance()); // already gone (it failed and stopped)
                        } else {
                            stopping.put(s.child(), s.replyTo());
                            ctx.stop(s.child());
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Terminated.class, t -> {
                        ActorRef<Done> waiter = stopping.remove(t.child());
                        if (waiter != null) waiter.tell(Done.getInstance());
                        return Behaviors.same();
                    })
                    .build();
        });
    }
}
