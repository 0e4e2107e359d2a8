package dev.kinbox.cli.remailer;

import com.typesafe.config.ConfigFactory;
import dev.kinbox.actors.remailer.RemailerNode;
import dev.kinbox.actors.remailer.RosterActor;
import dev.kinbox.journal.Keyring;
import dev.kinbox.journal.mail.ImapMailStore;
import dev.kinbox.persistence.store.LevelDbLocalLog;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/**
 * One writer of the list's state, as {@code run} (the instance key) or as the admin commands (the
 * admin key): its IMAP store for the journal, its LevelDB directory {@code state-dir/<id>} (whose lock
 * also stops a second process of the same writer on this machine) and its {@link RemailerNode}. The
 * other writer of this machine and every writer in {@code other-certificate-files} are its siblings.
 */
final class ListWriter implements AutoCloseable {
    enum Role { INSTANCE, ADMIN }

    final String id;
    final RemailerNode node;
    private final ImapMailStore journalStore;
    private final LevelDbLocalLog log;

    private ListWriter(String id, RemailerNode node, ImapMailStore journalStore, LevelDbLocalLog log) {
        this.id = id;
        this.node = node;
        this.journalStore = journalStore;
        this.log = log;
    }

    static ListWriter open(RemailerConfig c, Role role, Clock clock) {
        OpenPGPKey key = role == Role.INSTANCE ? c.instanceKey() : c.adminKey();
        List<OpenPGPCertificate> certs = new ArrayList<>();
        certs.add((role == Role.INSTANCE ? c.adminKey() : c.instanceKey()).toCertificate());
        certs.addAll(c.others());
        List<Keyring.PairedDevice> siblings = new ArrayList<>();
        for (OpenPGPCertificate cert : certs) siblings.add(new Keyring.PairedDevice(Keyring.deviceIdOf(cert), cert));
        String id = Keyring.deviceIdOf(key.toCertificate());
        ImapMailStore store = ImapMailStore.connect(c.imap());
        LevelDbLocalLog log = null;
        try {
            try {
                java.nio.file.Files.createDirectories(c.stateDir().resolve(id));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot create the state directory " + c.stateDir().resolve(id), e);
            }
            log = LevelDbLocalLog.open(c.stateDir().resolve(id), LevelDbLocalLog.Settings.DEFAULT);
            var pekko = ConfigFactory.parseString("pekko.loglevel = WARNING\npekko.stdout-loglevel = WARNING")
                    .withFallback(ConfigFactory.load());
            var settings = new RosterActor.Settings(c.list(), id, siblings.stream().map(Keyring.PairedDevice::deviceId).toList(), c.pollInterval());
            RemailerNode node = RemailerNode.start("kinbox-remailer", settings, key, siblings, store, log, pekko, clock, Duration.ofSeconds(30));
            return new ListWriter(id, node, store, log);
        } catch (RuntimeException e) {
            if (log != null) log.close();
            store.close();
            throw e;
        }
    }

    /** Waits (bounded) for the journal to reach the server, then stops everything. */
    @Override public void close() {
        try {
            node.awaitUploaded(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        node.close();
        log.close();
        journalStore.close();
    }
}
