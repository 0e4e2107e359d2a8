package dev.kinbox.simulator.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import org.apache.pekko.dispatch.Futures;
import scala.collection.immutable.IndexedSeq;
import scala.concurrent.Future;

/**
 * Places shard {@code n} on the {@code n mod regions}-th shard region (regions in a fixed order) and
 * never moves a shard: an account's mailbox (memory store) and its devices' local logs live on the node
 * that hosts it, so moving the account would lose them. The driver waits until every node's region is
 * registered before the first device starts, so the accounts spread over all nodes.
 */
final class AccountAllocation extends ShardCoordinator.AbstractShardAllocationStrategy {
    @Override public Future<ActorRef> allocateShard(ActorRef requester, String shardId, Map<ActorRef, IndexedSeq<String>> current) {
        List<ActorRef> regions = new ArrayList<>(current.keySet());
        if (regions.isEmpty()) return Futures.successful(requester);
        regions.sort(Comparator.comparing(r -> r.path().toString()));
        int n;
        try {
            n = Integer.parseInt(shardId);
        } catch (NumberFormatException e) {
            n = shardId.hashCode();
        }
        return Futures.successful(regions.get(Math.floorMod(n, regions.size())));
    }

    @Override public Future<Set<String>> rebalance(Map<ActorRef, IndexedSeq<String>> current, Set<String> rebalanceInProgress) {
        return Futures.successful(Set.of());
    }
}
