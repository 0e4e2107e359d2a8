package dev.kinbox.simulator.cluster;

import dev.kinbox.simulator.fleet.Fleet;
import dev.kinbox.simulator.workload.DeviceRef;
import dev.kinbox.simulator.fleet.DeviceSystems;
import dev.kinbox.simulator.trace.JournalEntry;
import dev.kinbox.simulator.trace.Journals;
import dev.kinbox.simulator.trace.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;

/**
 * One account as a sharded entity (entity id = the account's index): it lives on the node sharding
 * placed the account on, and hosts all the account's devices there, in that node's fleet
 * ({@link NodeHost}), so the account's mailbox and every device reading it stay on one node. It keeps
 * no state of its own (the devices and their local logs live in the node's fleet), so a passivated
 * entity loses nothing. Waiting work runs on the node's pool and answers from there.
 */
final class AccountEntity {
    private AccountEntity() {}

    static Behavior<Protocol.ToAccount> create(int account, NodeHost host) {
        return Behaviors.receive(Protocol.ToAccount.class)
                .onMessage(Protocol.Start.class, m -> {
                    reply(host.run(() -> host.start(new DeviceRef(account, m.slot()))), m.replyTo());
                    return Behaviors.same();
                })
                .onMessage(Protocol.Stop.class, m -> {
                    reply(host.run(() -> host.fleet().stop(new DeviceRef(account, m.slot()), m.how())), m.replyTo());
                    return Behaviors.same();
                })
                .onMessage(Protocol.ReadBack.class, m -> { // answers when the leaver's wait ends, on the node's fleet
                    reply(attempt(() -> host.fleet().readBack(new DeviceRef(account, m.slot()))), m.replyTo());
                    return Behaviors.same();
                })
                .onMessage(Protocol.Online.class, m -> {
                    try {
                        host.fleet().online(new DeviceRef(account, m.slot()), m.online());
                    } catch (IllegalStateException notOpen) { // nothing to answer: the device's next ask fails the same way
                        System.err.println("simulator: a" + account + "/d" + m.slot() + " online=" + m.online() + ": " + notOpen.getMessage());
                    }
                    return Behaviors.same();
                })
                .onMessage(Protocol.Edit.class, m -> {
                    reply(attempt(() -> host.edit(new DeviceRef(account, m.slot()), m.change())), m.replyTo());
                    return Behaviors.same();
                })
                .onMessage(Protocol.GetState.class, m -> {
                    reply(attempt(() -> host.fleet().state(new DeviceRef(account, m.slot()))), m.replyTo());
                    return Behaviors.same();
                })
                .onMessage(Protocol.GetRetirement.class, m -> {
                    reply(attempt(() -> host.fleet().retirement(new DeviceRef(account, m.slot())).thenApply(why -> why.orElse(""))), m.replyTo());
                    return Behaviors.same();
                })
                .onMessage(Protocol.CheckLiveness.class, m -> {
                    reply(attempt(() -> host.fleet().checkLiveness(new DeviceRef(account, m.slot())).thenApply(done -> "")), m.replyTo());
                    return Behaviors.same();
                })
                .onMessage(Protocol.GetJournal.class, m -> { // on the pool: replays the device's local log
                    reply(host.run(() -> journalPage(host.fleet().journal(new DeviceRef(account, m.slot())), m.afterSeq())), m.replyTo());
                    return Behaviors.same();
                })
                .onMessage(Protocol.CountMessages.class, m -> {
                    reply(host.run(() -> host.fleet().storeMessages(account)), m.replyTo());
                    return Behaviors.same();
                })
                .onMessage(Protocol.Drop.class, m -> { // at once, on this thread: it only marks the device's link
                    reply(attempt(() -> {
                        try {
                            host.drop(new DeviceRef(account, m.slot()));
                            return CompletableFuture.completedFuture(Done.getInstance());
                        } catch (Fleet.FleetException e) {
                            return CompletableFuture.failedFuture(e);
                        }
                    }), m.replyTo());
                    return Behaviors.same();
                })
                .onMessage(Protocol.RestartServer.class, m -> { // on the pool: a server restart waits for the server
                    reply(host.run(() -> {
                        host.restartServer(account);
                        return Done.getInstance();
                    }), m.replyTo());
                    return Behaviors.same();
                })
                .onMessage(Protocol.RebuildFolder.class, m -> { // on the pool: a rebuild waits for the server
                    reply(host.run(() -> new Protocol.Acted(host.rebuildFolder(new DeviceRef(account, m.slot())))), m.replyTo());
                    return Behaviors.same();
                })
                .onMessage(Protocol.Remove.class, m -> { // on the pool: waits for the remover's MUAA and the target's stop
                    reply(host.run(() -> {
                        host.remove(new DeviceRef(account, m.bySlot()), new DeviceRef(account, m.targetSlot()));
                        return Done.getInstance();
                    }), m.replyTo());
                    return Behaviors.same();
                })
                .onMessage(Protocol.Hostile.class, m -> { // on the pool: the provider's act is store work
                    reply(host.run(() -> new Protocol.Acted(host.fleet().hostile(new DeviceRef(account, m.slot()), m.act()))), m.replyTo());
                    return Behaviors.same();
                })
                .onMessage(Protocol.ReadableByRetired.class, m -> { // on the pool: reads the writer's folder and tries the key
                    reply(host.run(() -> host.fleet().readableByRetired(new DeviceRef(account, m.writerSlot()), new DeviceRef(account, m.retiredSlot()))),
                            m.replyTo());
                    return Behaviors.same();
                })
                .build();
    }

    /** The entries of {@code journal} after {@code afterSeq}, at least one and up to about {@link Protocol.JournalPage#MAX_BYTES}. */
    static Protocol.JournalPage journalPage(List<JournalEntry> journal, long afterSeq) {
        List<Trace.Entry> page = new ArrayList<>();
        long bytes = 0;
        for (JournalEntry e : journal) {
            if (e.seq() <= afterSeq) continue;
            if (!page.isEmpty() && bytes >= Protocol.JournalPage.MAX_BYTES) return new Protocol.JournalPage(page, true);
            Trace.Entry t = Journals.encode(e);
            page.add(t);
            bytes += t.bytes().length;
        }
        return new Protocol.JournalPage(page, false);
    }

    private static <T> CompletionStage<T> attempt(Supplier<CompletionStage<T>> op) {
        try {
            return op.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static <T> void reply(CompletionStage<T> result, ActorRef<StatusReply<T>> to) {
        result.whenComplete((v, e) -> to.tell(e == null ? StatusReply.success(v) : StatusReply.error(DeviceSystems.reason(e))));
    }
}
