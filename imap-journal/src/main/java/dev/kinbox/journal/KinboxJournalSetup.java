package dev.kinbox.journal;

import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.persistence.store.LocalLog;
import java.util.Optional;
import org.apache.pekko.actor.setup.Setup;

/**
 * What an embedding application hands the journal programmatically instead of configuring it: pass
 * it when creating the ActorSystem, e.g.
 * {@code ActorSystem.create(name, BootstrapSetup.create(config).and(KinboxJournalSetup.of(store, keyring)))}.
 * Anything left empty comes from {@code kinbox.runtime}. The runtime does not close a handed-in store
 * or log (the application owns them); it closes what it opened itself.
 *
 * @param mailStore the account's mailbox
 * @param keyring   device key and paired siblings (asked on every upload/read, so it may change)
 * @param localLog  the local tier
 */
public final class KinboxJournalSetup extends Setup {
    private final Optional<MailStore> mailStore;
    private final Optional<Keyring> keyring;
    private final Optional<LocalLog> localLog;

    private KinboxJournalSetup(Optional<MailStore> mailStore, Optional<Keyring> keyring, Optional<LocalLog> localLog) {
        this.mailStore = mailStore;
        this.keyring = keyring;
        this.localLog = localLog;
    }

    /** A mail store and keyring; the local log from configuration. */
    public static KinboxJournalSetup of(MailStore mailStore, Keyring keyring) {
        return new KinboxJournalSetup(Optional.of(mailStore), Optional.of(keyring), Optional.empty());
    }

    /** Everything handed in; empty optionals fall back to configuration. */
    public static KinboxJournalSetup of(Optional<MailStore> mailStore, Optional<Keyring> keyring, Optional<LocalLog> localLog) {
        return new KinboxJournalSetup(mailStore, keyring, localLog);
    }

    public Optional<MailStore> mailStore() { return mailStore; }
    public Optional<Keyring> keyring() { return keyring; }
    public Optional<LocalLog> localLog() { return localLog; }
}
