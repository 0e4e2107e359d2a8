package dev.kinbox.simulator.cluster;

import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.fleet.GossipCounts;
import dev.kinbox.simulator.fleet.JournalRefusals;
import dev.kinbox.simulator.fleet.RetiredReadable;

import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.simulator.fleet.StoreMessages;
import dev.kinbox.simulator.trace.Trace;
import dev.kinbox.simulator.workload.Change;
import dev.kinbox.simulator.workload.HostileAct;
import dev.kinbox.simulator.workload.WorkloadOptions;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * The messages between the nodes of a {@link ClusterFleet}: what the driver asks a node (its
 * {@link NodeAgent}) and an account (its {@link AccountEntity}, wherever sharding placed it). Every
 * record here is written by {@link ClusterSerializer}; replies travel as {@link StatusReply} (Pekko's
 * own serializer) around a value that is one of these records, {@link Dot}, {@link StoreMessages},
 * {@link RetiredReadable}, {@link Done} or an {@link AccountState} (the Kinbox codec).
 */
final class Protocol {
    private Protocol() {}

    /** Marker bound to {@link ClusterSerializer} in the simulator's {@code reference.conf}. */
    interface Message {}

    /** To a node. */
    sealed interface ToNode extends Message {}

    /** One account's id and every slot's secret key, armored (throwaway simulation keys). */
    record AccountKeys(int index, String accountId, List<String> armoredKeys) {
        AccountKeys { armoredKeys = List.copyOf(armoredKeys); }
    }

    /** Learn these accounts' keys (the roster arrives in batches before {@link Open}). */
    record AddAccounts(List<AccountKeys> accounts, ActorRef<StatusReply<Done>> replyTo) implements ToNode {
        AddAccounts { accounts = List.copyOf(accounts); }
    }

    /**
     * Build the node's fleet: {@code accounts} accounts (all must have arrived), the store kind, the
     * fleet options (the expiry {@code expireAfterMillis} simulated, as {@code --expire-after}), and the driver's
     * simulated time when it sent this ({@code simulatedNowMillis}, epoch milliseconds) running at {@code scale}.
     * {@code held}: the driver's clock stands there until its runner starts it, and so does the node's until
     * {@link StartClock}; otherwise the node's runs from arrival, agreeing up to the message's latency times the scale.
     */
    record Open(int accounts, String store, int snapshotEvery, long sweepMillis, int blockingThreads, long livenessMillis,
                long dropPollMillis, long expireAfterMillis, long simulatedNowMillis, double scale, boolean held,
                ActorRef<StatusReply<Done>> replyTo)
            implements ToNode {}

    /** Let the node's held clock run from now (the driver's runner started its own: the first paced step). */
    record StartClock(ActorRef<StatusReply<Done>> replyTo) implements ToNode {}

    /** Stop the node's clock for good at {@code atEpochMillis}, where the driver's froze (the steps are over; the settle follows). */
    record FreezeClock(long atEpochMillis, ActorRef<StatusReply<Done>> replyTo) implements ToNode {}

    /** From {@code atEpochMillis} the node's clock runs at {@code pace} of its scale, as the driver's does from there (its steps fell behind, or caught up). */
    record PaceClock(long atEpochMillis, double pace, ActorRef<StatusReply<Done>> replyTo) implements ToNode {}

    /**
     * The run's faults, sent before {@link Open} when it has any: the seed and the options from which every device's
     * latency stream and clock skew derive (so a device gets on any node what it gets in one JVM), and the run's
     * peers' secret keys, armored, per peer by generation (throwaway simulation keys; empty without incoming mail).
     */
    record SetFaults(long seed, WorkloadOptions.Faults faults, List<List<String>> armoredPeerKeys, ActorRef<StatusReply<Done>> replyTo)
            implements ToNode {
        SetFaults { armoredPeerKeys = armoredPeerKeys.stream().map(List::copyOf).toList(); }
    }

    /** What the node's faults did so far. */
    record GetFaultCounts(ActorRef<FaultCounts> replyTo) implements ToNode {}

    /**
     * A node's fault counters: connections dropped and server restarts carried out, incoming mails (plain and gossip)
     * its devices acknowledged, and what became of the gossip mails ({@link GossipCounts}).
     */
    record FaultCounts(String address, long drops, long restarts, long incomingAcked, GossipCounts gossip) implements Message {}

    /** What the node hosts and did. */
    record GetStats(ActorRef<NodeStats> replyTo) implements ToNode {}

    /** The dots of the entries the hostile provider withheld on the node that are not healed yet ({@code Fleet.withheldUnhealed}). */
    record GetWithheld(ActorRef<Withheld> replyTo) implements ToNode {}

    /** A node's answer to {@link GetWithheld}; {@code restored}: the dots of {@code Fleet.restoredAway} there. */
    record Withheld(String address, List<Dot> dots, List<Dot> restored) implements Message {
        Withheld {
            dots = List.copyOf(dots);
            restored = List.copyOf(restored);
        }
    }

    /** Stop every device and release the stores; the run is over. */
    record Close(ActorRef<Done> replyTo) implements ToNode {}

    /**
     * A node's counters: its address, store operations of its devices, starts carried out, devices running now, what their
     * journals refused, removals carried out.
     */
    record NodeStats(String address, long storeOperations, int starts, int running, JournalRefusals refusals, int removals, long secondRoots)
            implements Message {}

    /** To an account (sharded entity, id = account index). */
    sealed interface ToAccount extends Message {}

    record Start(int slot, ActorRef<StatusReply<Started>> replyTo) implements ToAccount {}

    /**
     * A start's outcome: running, or not, as {@code Fleet.NotStarted} says ({@code reason}: what it said; empty when
     * running).
     */
    record Started(Outcome outcome, String reason) implements Message {
        /** {@code Fleet.RetiredDevice}: removed or expired while it was down, it found itself retired and was stopped again; {@code Fleet.NoPartner}. */
        enum Outcome { RUNNING, RETIRED, NO_PARTNER }

        Started {
            if (outcome == null || reason == null || (outcome == Outcome.RUNNING) != reason.isEmpty()) {
                throw new IllegalArgumentException("a start not running has a reason, a running one none");
            }
        }
    }

    /** Answered with {@link Fleet.Stopped} (the serializer lists it). */
    record Stop(int slot, Fleet.Stop how, ActorRef<StatusReply<Fleet.Stopped>> replyTo) implements ToAccount {}

    /** Answered once the device stopped for good after its leave's wait: whether a sibling read its leave ({@code Fleet.readBack}). */
    record ReadBack(int slot, ActorRef<StatusReply<Boolean>> replyTo) implements ToAccount {}

    record Online(int slot, boolean online) implements ToAccount {}

    record Edit(int slot, Change change, ActorRef<StatusReply<Dot>> replyTo) implements ToAccount {}

    record GetState(int slot, ActorRef<StatusReply<AccountState>> replyTo) implements ToAccount {}

    /** Why the device may no longer work in its account ({@code Fleet.retirement}); the empty string while it may. */
    record GetRetirement(int slot, ActorRef<StatusReply<String>> replyTo) implements ToAccount {}

    /** The device's liveness check, run now ({@code Fleet.checkLiveness}); the empty string once it was acted on. */
    record CheckLiveness(int slot, ActorRef<StatusReply<String>> replyTo) implements ToAccount {}

    record CountMessages(ActorRef<StatusReply<StoreMessages>> replyTo) implements ToAccount {}

    /**
     * The entries of {@code slot}'s journal after sequence number {@code afterSeq}, as a trace stores them, up to about
     * {@link JournalPage#MAX_BYTES} ({@code Fleet.journal} for a trace's capture; the journal stays on the account's node).
     */
    record GetJournal(int slot, long afterSeq, ActorRef<StatusReply<JournalPage>> replyTo) implements ToAccount {
        GetJournal {
            if (slot < 0 || afterSeq < 0) throw new IllegalArgumentException("slot and sequence number must not be negative");
        }
    }

    /** {@link GetJournal}'s answer: entries in sequence order; {@code more} when the journal goes on past them. */
    record JournalPage(List<Trace.Entry> entries, boolean more) implements Message {
        /** Entry bytes per page: well under the cluster's 4 MiB frame (ClusterNode) and the serializer's limit. */
        static final int MAX_BYTES = 1 << 20;

        JournalPage { entries = List.copyOf(entries); }
    }

    /**
     * The mail provider does {@code act} to {@code slot}'s folder, on the account's node where its mailbox is
     * ({@code Fleet.hostile}); answered with whether there was something to act on.
     */
    record Hostile(int slot, HostileAct act, ActorRef<StatusReply<Acted>> replyTo) implements ToAccount {}

    /** {@link Hostile}'s answer. */
    record Acted(boolean acted) implements Message {}

    /** The device's next store operation fails as a dropped connection. */
    record Drop(int slot, ActorRef<StatusReply<Done>> replyTo) implements ToAccount {}

    /** The store of the account's node restarts for the account (what that means per store kind: docs/SIMULATOR.md, "Across machines"). */
    record RestartServer(ActorRef<StatusReply<Done>> replyTo) implements ToAccount {}

    /**
     * The store of the account's node comes back from a restore with {@code slot}'s folder rebuilt ({@code Fleet.rebuildFolder});
     * answered with whether the folder existed.
     */
    record RebuildFolder(int slot, ActorRef<StatusReply<Acted>> replyTo) implements ToAccount {}

    /** Running {@code bySlot} removes {@code targetSlot} from the account ({@code Fleet.remove} on the account's node). */
    record Remove(int bySlot, int targetSlot, ActorRef<StatusReply<Done>> replyTo) implements ToAccount {
        Remove {
            if (bySlot < 0 || targetSlot < 0 || bySlot == targetSlot) throw new IllegalArgumentException("a device removes another slot");
        }
    }

    /**
     * What {@code writerSlot}'s folder holds that {@code retiredSlot} could still read after the writer retired it
     * ({@code Fleet.readableByRetired}, tried on the account's node: the writer's journal and folder are there, and the node
     * knows every slot's key).
     */
    record ReadableByRetired(int writerSlot, int retiredSlot, ActorRef<StatusReply<RetiredReadable>> replyTo) implements ToAccount {
        ReadableByRetired {
            if (writerSlot < 0 || retiredSlot < 0 || writerSlot == retiredSlot) throw new IllegalArgumentException("a writer audits another slot");
        }
    }
}
