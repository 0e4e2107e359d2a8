package dev.kinbox.journal;

import dev.kinbox.persistence.store.InMemoryLocalLog;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link RetiredUploadsTest} on GreenMail and Dovecot: an APPEND into a folder that is gone fails as
 * {@code FolderMissing} there too, so a retired device's uploader halts rather than create the folder again.
 * And {@link GoneFolderWaitTest}'s first case: the server's header SEARCH finds the notice naming the device.
 */
class RetiredUploadsOnServersIT {
    @ParameterizedTest
    @ValueSource(strings = {"greenmail", "dovecot"})
    void retiredDevice_whoseFolderItsSiblingsDeleted_doesNotCreateItAgain(String kind) throws Exception {
        JournalFixture.Device a = JournalFixture.device(), b = JournalFixture.device();
        try (Servers s = kind.equals("greenmail") ? Servers.greenMail() : Servers.dovecot()) {
            ActorSystem sys = JournalFixture.system(s.store(), JournalFixture.keyring(a, b), new InMemoryLocalLog());
            try {
                RetiredUploadsTest.deletedFolderStaysDeleted(sys, s.store(), "sma|acct|" + a.id());
            } finally {
                TestKit.shutdownActorSystem(sys);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"greenmail", "dovecot"})
    void deviceRetiredWhileStopped_findsItsFolderGoneUnderANotice_andCreatesNothing(String kind) throws Exception {
        try (Servers s = kind.equals("greenmail") ? Servers.greenMail() : Servers.dovecot()) {
            GoneFolderWaitTest.staysGoneOnceRetired(s.store());
        }
    }
}
