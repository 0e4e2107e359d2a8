package dev.kinbox.simulator.cluster;

import dev.kinbox.simulator.fleet.Fleet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * The driver's watch on the other nodes while a run goes on: the first one removed from the cluster -
 * it left, or it was unreachable long enough for the split brain resolver to down it (a node that is
 * unreachable for a moment, under load, and comes back is not lost) - is lost for good. Its
 * accounts' devices, mailboxes and local logs were on it; sharding would start those accounts afresh
 * elsewhere, with nothing behind them, so the run must not go on asking for them (docs/SIMULATOR.md, "Across machines"). Thread-safe.
 */
final class LostNodes {
    private final AtomicReference<String> lost = new AtomicReference<>();
    /** The answers {@link #guard} hands out that are still open: failed at once when a node is lost. */
    private final Set<CompletableFuture<?>> open = ConcurrentHashMap.newKeySet();
    private final long startNanos = System.nanoTime();
    private volatile boolean ending;

    /** Watches the members of {@code system}'s cluster from now on. */
    LostNodes(ActorSystem<?> system) {
        Cluster cluster = Cluster.get(system);
        system.systemActorOf(Behaviors.<ClusterEvent.ClusterDomainEvent>setup(ctx -> {
            cluster.subscriptions().tell(Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.MemberRemoved.class));
            return Behaviors.receive(ClusterEvent.ClusterDomainEvent.class)
                    .onMessage(ClusterEvent.MemberRemoved.class, e -> {
                        lose(e.member(), cluster.selfMember(), e.previousStatus() == MemberStatus.down()
                                ? "was downed (unreachable past the split brain resolver's stable-after)" : "left the cluster");
                        return Behaviors.same();
                    })
                    .build();
        }), "kinbox-lost-nodes", Props.empty());
    }

    private void lose(Member m, Member self, String how) { // on the listener's thread
        if (ending || m.address().equals(self.address())) return;
        boolean first = lost.compareAndSet(null, String.format("node %s %s %.1f s into the run: the devices, mailboxes and logs of its accounts were on it, "
                + "and a cluster run does not recover from a lost node (docs/SIMULATOR.md, \"Across machines\")", m.address(), how,
                (System.nanoTime() - startNanos) / 1e9));
        if (first) for (CompletableFuture<?> f : open) f.completeExceptionally(new Fleet.FleetException(lost.get(), null));
    }

    /**
     * {@code ask}'s answer, or - as soon as a node is lost, whenever that is - a {@link Fleet.FleetException} saying so:
     * an ask to a lost node's account is never answered, and its caller would wait for the whole timeout.
     */
    <T> CompletionStage<T> guard(CompletionStage<T> ask) {
        CompletableFuture<T> out = new CompletableFuture<>();
        open.add(out);
        ask.whenComplete((v, e) -> {
            if (e == null) out.complete(v);
            else out.completeExceptionally(e);
        });
        String why = lost.get();
        if (why != null) out.completeExceptionally(new Fleet.FleetException(why, null)); // lost before it was listed
        out.whenComplete((v, e) -> open.remove(out)); // however it ends: answered, failed, or failed by a loss
        return out;
    }

    /** From now on nodes leave because the run ends: that loses nothing. */
    void ending() { ending = true; }

    /** Why the run cannot go on: the first node lost, if any. */
    Optional<String> lost() { return Optional.ofNullable(lost.get()); }
}
