package dev.kinbox.cli.bench;

import dev.kinbox.actors.embed.Kinbox;
import dev.kinbox.actors.embed.KinboxConfig;
import dev.kinbox.actors.embed.KinboxDevice;
import dev.kinbox.actors.muaa.PairingApprover;
import dev.kinbox.journal.mail.CountingMailStore;
import dev.kinbox.journal.mail.ImapMailStore;
import dev.kinbox.journal.mail.MailStores;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.servers.LocalImapServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One fresh account for a benchmark of the embedding API (a new user on the run's server, or a new
 * mailbox in memory): devices started through {@link Kinbox#start} with the default timings, each on
 * its own counted IMAP connection and LevelDB state directory, and paired by short code, the code
 * going straight from the existing device's screen to the newcomer. Closing stops the devices (the
 * newest first), closes their connections and deletes the state directories.
 */
final class BenchAccount implements AutoCloseable {
    /** How long any one step of a benchmark may take. */
    static final long WAIT_S = 120;
    private static final String ACCOUNT = "bench@kinbox.invalid";

    private final MailStores.Running running;
    private final MemoryMailStore memory;
    private final LocalImapServer.Account user;
    private final Path home;
    private final List<KinboxDevice> devices = new ArrayList<>();
    private final List<CountingMailStore> stores = new ArrayList<>();
    /** The code the existing device shows in the pairing under way. */
    private final AtomicReference<CompletableFuture<String>> shown = new AtomicReference<>(new CompletableFuture<>());

    private BenchAccount(MailStores.Running running, String userName) throws Exception {
        this.running = running;
        this.memory = running.server().isEmpty() ? new MemoryMailStore() : null;
        this.user = running.server().map(s -> s.addUser(userName)).orElse(null);
        this.home = Files.createTempDirectory("kinbox-bench-account-");
    }

    /** A new account on {@code running}'s store; {@code userName}: the server user, new for each account. */
    static BenchAccount open(MailStores.Running running, String userName) throws Exception {
        return new BenchAccount(running, userName);
    }

    /** Refuses a store spec {@code target} cannot make new accounts on (an existing server, {@code imap://}). */
    static void requireNewAccounts(String target, String spec) {
        if (spec.startsWith("imap")) throw new IllegalArgumentException(target + " needs a fresh account per run: --store memory, greenmail or dovecot");
    }

    /** Starts a device named {@code name} on a connection of its own; waits for its start. */
    KinboxDevice start(String name) throws Exception {
        // in memory every device shares the account's mailbox, which only close() closes
        CountingMailStore store = memory != null ? new CountingMailStore(memory, false)
                : new CountingMailStore(ImapMailStore.connect(running.server().orElseThrow().settings(user)), true);
        stores.add(store);
        KinboxDevice d = get(Kinbox.start(KinboxConfig.of(ACCOUNT, home.resolve(name), store).withDeviceName(name).withApprover(showing())));
        devices.add(d);
        return d;
    }

    /** Pairs {@code newcomer} with {@code existing} by short code; returns once both recorded it. */
    void pair(KinboxDevice existing, KinboxDevice newcomer) throws Exception {
        shown.set(new CompletableFuture<>());
        KinboxDevice.PairingSession session = get(newcomer.pair(existing.deviceId(), PairingApprover.PairingMethod.CODE));
        get(newcomer.enterPairingCode(session.started().sessionId(), shown.get().get(WAIT_S, TimeUnit.SECONDS)));
        get(session.done());
    }

    /** Store operations of all the devices so far. */
    long operations() {
        return stores.stream().mapToLong(CountingMailStore::operations).sum();
    }

    /** The counted connections, one per started device in the order started. */
    List<CountingMailStore> stores() {
        return List.copyOf(stores);
    }

    /** The user of every device: confirms each request and reads the code to the newcomer's user. */
    private PairingApprover showing() {
        return new PairingApprover() {
            @Override public CompletionStage<Optional<String>> scanQr(PairingApprover.PairingRequest request) {
                return CompletableFuture.completedFuture(Optional.empty());
            }

            @Override public CompletionStage<Boolean> showCode(PairingApprover.PairingRequest request, String code) {
                shown.get().complete(code);
                return CompletableFuture.completedFuture(true);
            }
        };
    }

    static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS);
    }

    @Override public void close() throws Exception {
        try {
            for (int i = devices.size() - 1; i >= 0; i--) devices.get(i).close();
            for (CountingMailStore s : stores) s.close();
        } finally {
            if (memory != null) memory.close();
            try (var files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
