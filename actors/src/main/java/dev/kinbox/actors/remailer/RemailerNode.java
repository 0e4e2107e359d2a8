package dev.kinbox.actors.remailer;

import com.typesafe.config.Config;
import dev.kinbox.journal.Keyring;
import dev.kinbox.journal.KinboxJournalRuntime;
import dev.kinbox.journal.KinboxJournalSetup;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.persistence.store.LocalLog;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * One writer of a list's state on the Kinbox runtime: an ActorSystem whose {@code kinbox.journal}
 * writes into the list account ({@code journalStore}) as the device {@code deviceKey}, and the
 * {@link RosterActor} of {@code settings.instanceId()} (which must be that key's device id). A running
 * remailer instance is one node, an admin command another (its own instance id, so never a second
 * writer of a running instance's persistence id).
 */
public final class RemailerNode implements AutoCloseable {
    private final ActorSystem<Void> system;
    private final ActorRef<RosterActor.Command> actor;
    private final RosterStore state;
    private final String persistenceId;

    private RemailerNode(ActorSystem<Void> system, ActorRef<RosterActor.Command> actor, Duration askTimeout, String persistenceId) {
        this.system = system;
        this.actor = actor;
        this.state = RosterStore.ofActor(system, actor, askTimeout);
        this.persistenceId = persistenceId;
    }

    /**
     * Starts the node.
     *
     * @param name         ActorSystem name ({@code [A-Za-z0-9-]})
     * @param settings     list settings, own instance id, sibling ids, poll interval
     * @param deviceKey    this node's device key (its device id must be {@code settings.instanceId()})
     * @param siblings     the certificates of every sibling in {@code settings.siblingIds()}
     * @param journalStore the list account's store for the journal (the node does not close it)
     * @param localLog     the local tier of the journal (the node does not close it)
     * @param config       Pekko configuration (with the Kinbox reference settings)
     * @param askTimeout   how long a {@link RosterStore} call waits for the actor
     */
    public static RemailerNode start(String name, RosterActor.Settings settings, OpenPGPKey deviceKey, List<Keyring.PairedDevice> siblings,
                                     MailStore journalStore, LocalLog localLog, Config config, Clock clock, Duration askTimeout) {
        String id = Keyring.deviceIdOf(deviceKey.toCertificate());
        if (!id.equals(settings.instanceId())) throw new IllegalArgumentException("the device key's id is " + id + ", not " + settings.instanceId());
        var keyring = Keyring.fixed(id, deviceKey, siblings);
        var setup = BootstrapSetup.create(config).and(KinboxJournalSetup.of(Optional.of(journalStore), Optional.of(keyring), Optional.of(localLog)));
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), name, setup);
        ActorRef<RosterActor.Command> actor = system.systemActorOf(RosterActor.create(settings, clock), "roster", Props.empty());
        return new RemailerNode(system, actor, askTimeout,
                RosterActor.persistenceId(settings.list().listAddress(), settings.instanceId()));
    }

    /** The roster and finished posts, through the actor. */
    public RosterStore state() {
        return state;
    }

    /** Reads every sibling's journal once more and returns the merged log (see {@link RosterActor.Sync}). */
    public ListLog sync(Duration timeout) throws RemailerException {
        try {
            return AskPattern.askWithStatus(actor, RosterActor.Sync::new, timeout, system.scheduler())
                    .toCompletableFuture().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemailerException.StateUnavailable("interrupted while reading the other instances", e);
        } catch (Exception e) {
            throw new RemailerException.StateUnavailable("could not read the other instances' state: " + ListMail.clip(String.valueOf(e.getMessage())), e);
        }
    }

    /** Waits until everything this node journaled is on the server; true when it is. */
    public boolean awaitUploaded(Duration timeout) throws InterruptedException {
        return KinboxJournalRuntime.get(system.classicSystem()).awaitUploaded(persistenceId, timeout);
    }

    /** Stops the ActorSystem (waits up to 30 s). Idempotent. */
    @Override public void close() {
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // terminating anyway; nothing more to do
        }
    }
}
