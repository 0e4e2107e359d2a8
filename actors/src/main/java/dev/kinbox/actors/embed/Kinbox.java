package dev.kinbox.actors.embed;

import com.typesafe.config.ConfigFactory;
import dev.kinbox.actors.muaa.Environment;
import dev.kinbox.actors.muaa.Muaa;
import dev.kinbox.actors.muaa.MuaaKeyring;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.KinboxJournalRuntime;
import dev.kinbox.persistence.store.LevelDbLocalLog;
import dev.kinbox.persistence.store.LocalLog;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * The embedding entry point: one call per device and account.
 *
 * <pre>{@code
 * KinboxDevice device = Kinbox.start(KinboxConfig.of("alice@example.org", stateDir, store))
 *         .toCompletableFuture().get();
 * }</pre>
 *
 * <p>{@link #start(KinboxConfig)} starts a small ActorSystem of its own, closed with the device;
 * {@link #start(KinboxConfig, ActorSystem)} hosts the device in the application's ActorSystem (many
 * devices and accounts can share one; the system needs nothing but Kinbox's jars on the class path,
 * whose {@code reference.conf} configures the plugins). Starting opens the state directory (device
 * key, LevelDB log), spawns the device's MUAA and runs its {@code Start}: the first device of an
 * account bootstraps it, a later one announces itself and waits to be paired
 * ({@link KinboxDevice#startOutcome()}).
 */
public final class Kinbox {
    static final Duration ASK = Duration.ofSeconds(30);

    private Kinbox() {}

    /** Starts the device in an ActorSystem of its own. */
    public static CompletionStage<KinboxDevice> start(KinboxConfig config) {
        ActorSystem<Void> own = ActorSystem.create(Behaviors.empty(), "kinbox", ConfigFactory.load());
        return start(config, own, true).whenComplete((d, e) -> {
            if (e != null) own.terminate();
        });
    }

    /** Starts the device in the application's ActorSystem, which stays running after {@link KinboxDevice#close()}. */
    public static CompletionStage<KinboxDevice> start(KinboxConfig config, ActorSystem<?> system) {
        return start(config, system, false);
    }

    private static CompletionStage<KinboxDevice> start(KinboxConfig config, ActorSystem<?> system, boolean ownSystem) {
        Executor blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("kinbox.blocking-dispatcher"));
        Crypto crypto = new Crypto(config.clock(), new SecureRandom());
        return CompletableFuture.supplyAsync(() -> open(config, system, crypto), blocking).thenCompose(opened -> {
            KinboxDevice device = new KinboxDevice(config, system, ownSystem, opened.deviceId(), opened.muaa(), opened.log(), crypto, blocking);
            return device.<dev.kinbox.actors.muaa.StartOutcome>ask(r -> new Muaa.Start(config.deviceName(), config.setupMessage(), r))
                    .thenApply(outcome -> device.started(outcome))
                    .whenComplete((d, e) -> {
                        if (e != null) device.close();
                    });
        });
    }

    /** True when {@code stateDir} holds a device (its key): starting there resumes that device instead of creating one. */
    public static boolean hasDevice(java.nio.file.Path stateDir) {
        return java.nio.file.Files.isRegularFile(stateDir.resolve(DeviceKeyFile.NAME));
    }

    private record Opened(String deviceId, ActorRef<Muaa.Command> muaa, LocalLog log) {}

    private static Opened open(KinboxConfig config, ActorSystem<?> system, Crypto crypto) {
        OpenPGPKey key = DeviceKeyFile.loadOrCreate(config.stateDir(), crypto);
        MuaaKeyring keyring = MuaaKeyring.of(key, crypto);
        LocalLog log;
        try {
            log = LevelDbLocalLog.open(config.stateDir().resolve("log"), LevelDbLocalLog.Settings.DEFAULT);
        } catch (RuntimeException e) {
            throw new KinboxException.StateDirUnusable("cannot open the local log in " + config.stateDir() + ": " + e.getMessage(), e);
        }
        try {
            KinboxJournalRuntime.get(system.classicSystem()).addDevice(keyring, config.store(), log);
            Muaa.Settings settings = new Muaa.Settings(config.accountId(), keyring.deviceId(), config.snapshotEvery());
            ActorRef<Muaa.Command> muaa = system.systemActorOf(
                    Muaa.create(settings, config.clock(), new Environment(keyring, crypto, config.approver(), config.timing())),
                    "kinbox-" + keyring.deviceId(), Props.empty());
            return new Opened(keyring.deviceId(), muaa, log);
        } catch (RuntimeException e) {
            KinboxJournalRuntime.get(system.classicSystem()).removeDevice(keyring.deviceId());
            log.close();
            throw e;
        }
    }
}
