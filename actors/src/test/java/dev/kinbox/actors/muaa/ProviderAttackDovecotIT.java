package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kinbox.journal.mail.ImapMailStore;
import dev.kinbox.journal.mail.MailStore;
import dev.kinbox.journal.mail.MailStores;
import dev.kinbox.journal.mail.servers.DovecotServer;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ProviderAttackTest}'s attacks carried out directly on a Dovecot started for each test
 * (loopback): the provider reaches into the account's folders through its own IMAP connection,
 * APPENDing forged, altered and replayed messages and EXPUNGEing entries, as IMAP lets it.
 */
class ProviderAttackDovecotIT {
    @BeforeAll static void needsDovecot() {
        if (!DovecotServer.isInstalled()) System.out.println("skipped: dovecot is not installed");
        assumeTrue(DovecotServer.isInstalled(), "skipped: dovecot is not installed");
    }

    /** Runs {@code attack} with the devices on one store and the provider on a second connection to the same account. */
    private static void onDovecot(ProviderAttackTest.Attack attack) throws Exception {
        long t0 = System.nanoTime();
        try (MailStores.Running dovecot = MailStores.open("dovecot", Map.of())) {
            try (MailStore provider = ImapMailStore.connect(dovecot.settings().orElseThrow())) {
                attack.on(dovecot.store(), provider);
            }
        }
        System.out.printf("attack on Dovecot: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }

    @Test void forgedEntry_appendedOnDovecot_isRefusedCountedAndNeverApplied() throws Exception {
        onDovecot(ProviderAttackTest::forgedEntry);
    }

    @Test void alteredEntries_replacedOnDovecot_areRefusedCounted_andTheLossHeals() throws Exception {
        onDovecot(ProviderAttackTest::alteredEntries);
    }

    @Test void replayedEntries_appendedAgainOnDovecot_areCountedAndPersistNothing() throws Exception {
        onDovecot(ProviderAttackTest::replayedEntries);
    }

    @Test void withheldEntries_expungedOnDovecot_goUpAgainAtTheirAuthorsAudit() throws Exception {
        onDovecot(ProviderAttackTest::withheldEntries);
    }

    @Test void fakeAnnouncements_appendedOnDovecot_areRefusedCountedAndGrantNothing() throws Exception {
        onDovecot(ProviderAttackTest::fakeAnnouncements);
    }
}
