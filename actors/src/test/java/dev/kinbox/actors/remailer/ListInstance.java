package dev.kinbox.actors.remailer;

import com.typesafe.config.ConfigFactory;
import dev.kinbox.crypto.Crypto;
import dev.kinbox.journal.Keyring;
import dev.kinbox.journal.mail.ImapMailStore;
import dev.kinbox.journal.mail.ImapSettings;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.Secret;
import dev.kinbox.persistence.store.InMemoryLocalLog;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.bouncycastle.openpgp.api.OpenPGPKey;

/** One remailer instance for tests: its own ActorSystem (journal on the list account), roster actor and service. */
final class ListInstance implements AutoCloseable {
    final String id;
    final RemailerNode node;
    final MailStore journalStore, listStore;
    final RosterStore state;
    final RemailerService service;

    final Claims claims;

    ListInstance(String name, OpenPGPKey key, String siblingId, OpenPGPKey siblingKey, int imapPort, String login, String password,
                 int smtpPort, ListSettings list, RemailerPipeline pipeline, Duration lease, Consumer<PostOutcome> outcomes) {
        this(name, key, siblingId, siblingKey, ImapSettings.of("127.0.0.1", imapPort, login, Secret.of(password)), smtpPort, list,
                pipeline, lease, outcomes);
    }

    ListInstance(String name, OpenPGPKey key, String siblingId, OpenPGPKey siblingKey, ImapSettings imap,
                 int smtpPort, ListSettings list, RemailerPipeline pipeline, Duration lease, Consumer<PostOutcome> outcomes) {
        this(name, key, siblingId, siblingKey, imap, smtpPort, list, pipeline, lease, Duration.ofMillis(300), outcomes);
    }

    /** {@code poll}: how often the roster actor reads the sibling's journal on its own. */
    ListInstance(String name, OpenPGPKey key, String siblingId, OpenPGPKey siblingKey, ImapSettings imap,
                 int smtpPort, ListSettings list, RemailerPipeline pipeline, Duration lease, Duration poll, Consumer<PostOutcome> outcomes) {
        id = Keyring.deviceIdOf(key.toCertificate());
        journalStore = ImapMailStore.connect(imap);
        listStore = ImapMailStore.connect(imap);
        var config = ConfigFactory.parseString(String.join("\n", "pekko.loglevel = WARNING", "pekko.stdout-loglevel = WARNING",
                "kinbox.query.sweep-interval = 300ms", "kinbox.runtime.upload.backoff-min = 10ms",
                "kinbox.runtime.upload.backoff-max = 200ms")).withFallback(ConfigFactory.load());
        node = RemailerNode.start("remailer-" + name, new RosterActor.Settings(list, id, List.of(siblingId), poll), key,
                List.of(new Keyring.PairedDevice(siblingId, siblingKey.toCertificate())), journalStore, new InMemoryLocalLog(), config,
                Clock.systemUTC(), Duration.ofSeconds(10));
        state = node.state();
        claims = Claims.of(list.listAddress(), lease, Clock.systemUTC());
        service = new RemailerService(listStore, "INBOX", claims, SmtpSettings.loopback(smtpPort), pipeline, state, outcomes);
    }

    static OpenPGPKey deviceKey() throws Exception {
        return Crypto.standard().generateKey("<remailer-instance@kinbox.invalid>");
    }

    @Override public void close() {
        service.close();
        node.close();
        listStore.close();
        journalStore.close();
    }
}
