package dev.kinbox.simulator.cluster;

import dev.kinbox.simulator.fleet.DeviceSystems;
import java.time.Instant;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.pattern.StatusReply;

/**
 * One per node, registered with the receptionist under {@link #KEY}: the driver finds every node
 * through it, sends it the roster, the run's faults ({@link Protocol.SetFaults}) and the fleet options
 * ({@link Protocol.Open}), starts, paces and freezes its devices' clock ({@link Protocol.StartClock}, {@link Protocol.PaceClock}, {@link Protocol.FreezeClock}),
 * reads its counters and what its hostile provider withheld ({@link Protocol.GetWithheld}) and ends the run ({@link Protocol.Close}). The work itself is the node's {@link NodeHost}.
 */
final class NodeAgent {
    static final ServiceKey<Protocol.ToNode> KEY = ServiceKey.create(Protocol.ToNode.class, "kinbox-sim-node");

    private NodeAgent() {}

    static Behavior<Protocol.ToNode> create(NodeHost host, String address) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
            return Behaviors.receive(Protocol.ToNode.class)
                    .onMessage(Protocol.AddAccounts.class, m -> {
                        try {
                            for (Protocol.AccountKeys k : m.accounts()) host.add(k);
                            m.replyTo().tell(StatusReply.ack());
                        } catch (Exception e) {
                            m.replyTo().tell(StatusReply.error("cannot learn the roster on " + address + ": " + e.getMessage()));
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Protocol.SetFaults.class, m -> {
                        try {
                            host.setFaults(m);
                            m.replyTo().tell(StatusReply.ack());
                        } catch (Exception e) {
                            m.replyTo().tell(StatusReply.error("cannot set the faults on " + address + ": " + e.getMessage()));
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Protocol.GetFaultCounts.class, m -> {
                        m.replyTo().tell(host.faultCounts(address));
                        return Behaviors.same();
                    })
                    .onMessage(Protocol.Open.class, m -> {
                        host.run(() -> {
                            host.open(m);
                            return Done.getInstance();
                        }).whenComplete((done, e) -> m.replyTo().tell(e == null ? StatusReply.ack()
                                : StatusReply.error("cannot open the fleet on " + address + ": " + DeviceSystems.reason(e))));
                        return Behaviors.same();
                    })
                    .onMessage(Protocol.StartClock.class, m -> {
                        m.replyTo().tell(clock(address, "start", () -> host.clock().start()));
                        return Behaviors.same();
                    })
                    .onMessage(Protocol.FreezeClock.class, m -> {
                        m.replyTo().tell(clock(address, "freeze", () -> host.clock().freezeAt(Instant.ofEpochMilli(m.atEpochMillis()))));
                        return Behaviors.same();
                    })
                    .onMessage(Protocol.PaceClock.class, m -> {
                        m.replyTo().tell(clock(address, "pace", () -> host.clock().paceFrom(Instant.ofEpochMilli(m.atEpochMillis()), m.pace())));
                        return Behaviors.same();
                    })
                    .onMessage(Protocol.GetStats.class, m -> {
                        m.replyTo().tell(host.stats(address));
                        return Behaviors.same();
                    })
                    .onMessage(Protocol.GetWithheld.class, m -> {
                        m.replyTo().tell(host.withheld(address));
                        return Behaviors.same();
                    })
                    .onMessage(Protocol.Close.class, m -> {
                        Thread t = new Thread(() -> { // closing waits for the node's pool: not on it, not on an actor thread
                            host.close();
                            m.replyTo().tell(Done.getInstance());
                        }, "sim-node-close");
                        t.setDaemon(true);
                        t.start();
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    /** Done at once on the agent's thread (a clock's start or freeze does not wait). */
    private static StatusReply<Done> clock(String address, String what, Runnable change) {
        try {
            change.run();
            return StatusReply.ack();
        } catch (RuntimeException e) {
            return StatusReply.error("cannot " + what + " the devices' clock on " + address + ": " + e.getMessage());
        }
    }
}
