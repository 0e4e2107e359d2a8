package dev.kinbox.journal.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetriesTest {
    @Test
    void afterLostConnections_runsTheWorkAgainAfterALostConnectionOrATimeout_untilItSucceeds() {
        List<Integer> attempts = new ArrayList<>();
        String got = Retries.afterLostConnections(attempt -> {
            attempts.add(attempt);
            if (attempt == 0) throw new MailStoreException.ConnectionLost("server restarting", null);
            if (attempt == 1) throw new MailStoreException.Timeout("server slow to come back", null);
            return "stored";
        });
        assertEquals("stored", got);
        assertEquals(List.of(0, 1, 2), attempts);
    }

    @Test
    void afterLostConnections_whenTheServerStaysAway_givesUpWithTheLastFailureAfterItsAttempts() {
        List<Integer> attempts = new ArrayList<>();
        MailStoreException.ConnectionLost e = assertThrows(MailStoreException.ConnectionLost.class,
                () -> Retries.afterLostConnections(3, 1, attempt -> {
                    attempts.add(attempt);
                    throw new MailStoreException.ConnectionLost("down " + attempt, null);
                }));
        assertEquals("down 2", e.getMessage());
        assertEquals(List.of(0, 1, 2), attempts);
    }

    @Test
    void afterLostConnections_doesNotRepeatWorkThatFailedForAnotherReason() {
        List<Integer> attempts = new ArrayList<>();
        assertThrows(MailStoreException.CommandRefused.class, () -> Retries.afterLostConnections(attempt -> {
            attempts.add(attempt);
            throw new MailStoreException.CommandRefused("over quota", null);
        }));
        assertEquals(List.of(0), attempts);
    }
}
