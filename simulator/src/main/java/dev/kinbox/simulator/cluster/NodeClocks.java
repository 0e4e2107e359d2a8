package dev.kinbox.simulator.cluster;

import dev.kinbox.simulator.fleet.DeviceSystems;
import dev.kinbox.simulator.fleet.Fleet.FleetException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.pattern.StatusReply;

/**
 * The nodes' device clocks follow the driver's: every node is asked at once to start its held clock now
 * ({@link Protocol.StartClock}; "now" on each node, as every node's real time source is its own), to run it at a new
 * pace from the driver's instant ({@link Protocol.PaceClock}: the driver's steps fell behind, or caught up) or to freeze
 * it at the driver's frozen instant ({@link Protocol.FreezeClock}), then every answer is awaited. A node answers at once; one that
 * did not within {@link #ASK} (10 s) is taken as lost and the step fails naming it, so a run never goes on silently
 * with a node whose devices stand at the setup's time or run on through the settle.
 */
final class NodeClocks {
    static final Duration ASK = Duration.ofSeconds(10);

    private final ClusterNode node;
    private final List<ActorRef<Protocol.ToNode>> agents;
    private final Duration timeout;

    /** {@code timeout}: how long every node has to answer ({@link #ASK}). */
    NodeClocks(ClusterNode node, List<ActorRef<Protocol.ToNode>> agents, Duration timeout) {
        this.node = node;
        this.agents = List.copyOf(agents);
        this.timeout = timeout;
    }

    /** The nodes agree up to the message's latency times the scale (sub-millisecond on loopback: a few simulated seconds at 3600x). */
    void start() throws FleetException {
        ask(Protocol.StartClock::new, "start", "their devices may stand at the setup's simulated time");
    }

    /** Every node stops at {@code at}, ahead of or behind its own time by that latency. */
    void freeze(Instant at) throws FleetException {
        ask(to -> new Protocol.FreezeClock(at.toEpochMilli(), to), "freeze", "their devices' time may run on through the settle");
    }

    /** Every node's clock runs at {@code pace} from {@code at}, as the driver's does ({@link dev.kinbox.simulator.run.VirtualClock#paceFrom}). */
    void pace(Instant at, double pace) throws FleetException {
        ask(to -> new Protocol.PaceClock(at.toEpochMilli(), pace, to), "change its pace", "their devices' time may run ahead of the steps or behind the driver's");
    }

    private void ask(Function<ActorRef<StatusReply<Done>>, Protocol.ToNode> make, String what, String consequence) throws FleetException {
        Map<ActorRef<Protocol.ToNode>, CompletableFuture<Done>> asked = new LinkedHashMap<>();
        for (ActorRef<Protocol.ToNode> a : agents) asked.put(a, AskPattern.askWithStatus(a, make, timeout, node.system().scheduler()).toCompletableFuture());
        List<String> failed = new ArrayList<>();
        for (Map.Entry<ActorRef<Protocol.ToNode>, CompletableFuture<Done>> e : asked.entrySet()) {
            try {
                e.getValue().get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                throw new FleetException("interrupted while the nodes' clocks " + what, x);
            } catch (Exception x) {
                Address at = e.getKey().path().address();
                failed.add((at.hasGlobalScope() ? at : node.address()) + " (" + DeviceSystems.reason(x) + ")");
            }
        }
        if (!failed.isEmpty()) {
            throw new FleetException("the devices' clock did not " + what + " within " + timeout.toMillis() / 1e3 + " s on " + failed.size() + " of "
                    + agents.size() + " nodes: " + String.join(", ", failed) + "; " + consequence, null);
        }
    }
}
