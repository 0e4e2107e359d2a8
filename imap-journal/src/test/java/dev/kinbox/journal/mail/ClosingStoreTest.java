package dev.kinbox.journal.mail;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/**
 * An IMAP store closed while one of its operations was starting: the operation ends with the typed
 * {@link MailStoreException.Closed} (which every caller handles), not with the executor's
 * {@code RejectedExecutionException} (seen escaping to the dispatcher as stack traces when a
 * simulated device stopped mid-sweep).
 */
class ClosingStoreTest {
    @Test void connectionOpenedAfterItsStoreClosed_failsAsClosed_beforeTouchingTheNetwork() {
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        timers.shutdownNow(); // what ImapMailStore.close does to its timers
        ImapSettings s = ImapSettings.of("127.0.0.1", 9, "alice", Secret.of("not-used-password"));
        assertThrows(MailStoreException.Closed.class, () -> ImapConnection.open(s, timers));
    }
}
