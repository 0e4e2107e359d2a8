package dev.kinbox.simulator.cluster;

import dev.kinbox.simulator.fleet.DeviceSystems;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Every node's latest answer to one question about its counters ({@link Protocol.GetStats},
 * {@link Protocol.GetFaultCounts}), by node address: asked of every agent at once; a node that does not
 * answer in time keeps its last answer, and once the run is over ({@link #last}) the last answers stay.
 */
final class NodeReports<T> {
    private static final Duration ASK = Duration.ofSeconds(10);

    private final ActorSystem<?> system;
    private final List<ActorRef<Protocol.ToNode>> agents;
    private final Function<ActorRef<T>, Protocol.ToNode> question;
    private final Function<T, String> address;
    private final Map<String, T> last = new ConcurrentHashMap<>();

    NodeReports(ActorSystem<?> system, List<ActorRef<Protocol.ToNode>> agents, Function<ActorRef<T>, Protocol.ToNode> question,
                Function<T, String> address) {
        this.system = system;
        this.agents = agents;
        this.question = question;
        this.address = address;
    }

    /** Asks every node now. */
    Map<String, T> read() {
        List<CompletableFuture<T>> asks = new ArrayList<>();
        for (ActorRef<Protocol.ToNode> a : agents) {
            asks.add(AskPattern.<Protocol.ToNode, T>ask(a, question::apply, ASK, system.scheduler()).toCompletableFuture());
        }
        for (CompletableFuture<T> f : asks) {
            try {
                T answer = f.get(ASK.toSeconds() + 1, TimeUnit.SECONDS);
                last.put(address.apply(answer), answer);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                System.err.println("simulator: a node did not report its counters: " + DeviceSystems.reason(e));
            }
        }
        return last();
    }

    /** The last answers, without asking. */
    Map<String, T> last() { return new TreeMap<>(last); }
}
