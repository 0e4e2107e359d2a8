package dev.kinbox.actors.remailer;

import static dev.kinbox.actors.remailer.ListFixture.LIST;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.NewMessage;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A delivery failure that retrying cannot heal (here: STARTTLS required, the server does not offer
 * it) holds deliveries for a minute, then two, instead of reconnecting on every pass; the post waits
 * in the folder. A failure that may heal (the server answers 451) is retried at the next pass.
 */
class RemailerSmtpHoldTest {
    static final String ALICE = "alice@example.test", BOB = "bob@example.test";
    final ListFixture f;
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    RemailerSmtpHoldTest() throws Exception {
        f = new ListFixture();
    }

    @Test void aFailureThatNeedsAFix_holdsDeliveries_withADoublingHold_andThePostWaits() throws Exception {
        try (FakeSmtpServer smtp = new FakeSmtpServer(FakeSmtpServer.Security.PLAIN_ONLY, null, "u", "p");
             MemoryMailStore store = new MemoryMailStore()) {
            SmtpSettings startTls = new SmtpSettings("127.0.0.1", smtp.port(), SmtpSettings.Tls.STARTTLS, null, null,
                    Duration.ofSeconds(5), Duration.ofSeconds(30));
            RemailerService service = service(store, startTls);
            store.append("INBOX", List.of(NewMessage.of(f.plain(BOB, "lunch?", "anyone for lunch", null))));

            assertEquals(0, service.processPending());
            assertEquals(1, connections(smtp), "tried once");
            assertEquals(0, service.processPending());
            assertEquals(1, connections(smtp), "held: no new connection on the next pass");

            advance(RemailerService.HOLD_MIN.plusSeconds(1));
            assertEquals(0, service.processPending());
            assertEquals(2, connections(smtp), "tried again after the first hold");

            advance(RemailerService.HOLD_MIN.plusSeconds(1));
            assertEquals(0, service.processPending());
            assertEquals(2, connections(smtp), "the second hold is twice as long");
            advance(RemailerService.HOLD_MIN);
            assertEquals(0, service.processPending());
            assertEquals(3, connections(smtp));

            assertEquals(1, store.status("INBOX").messages(), "the post waits for a working server");
            assertEquals(0, smtp.received.size());
            service.close();
        }
    }

    @Test void aFailureThatMayHeal_isRetriedAtTheNextPass() throws Exception {
        try (FakeSmtpServer smtp = new FakeSmtpServer(FakeSmtpServer.Security.PLAIN_ONLY, null, "u", "p");
             MemoryMailStore store = new MemoryMailStore()) {
            smtp.acceptLimit = 0; // 451 for every message
            RemailerService service = service(store, SmtpSettings.loopback(smtp.port()));
            store.append("INBOX", List.of(NewMessage.of(f.plain(BOB, "lunch?", "anyone for lunch", null))));
            assertEquals(0, service.processPending());
            assertEquals(0, service.processPending());
            assertEquals(2, connections(smtp), "no hold");
            smtp.acceptLimit = Integer.MAX_VALUE;
            assertEquals(1, service.processPending(), "delivered once the server takes it");
            service.close();
        }
    }

    private RemailerService service(MemoryMailStore store, SmtpSettings smtp) throws Exception {
        Roster roster = f.roster(ListSettings.defaults(LIST), List.of(ALICE, BOB), Arrays.asList(null, null));
        return new RemailerService(store, "INBOX", null, smtp, f.pipeline, RosterStore.inMemory(roster, e -> { }), o -> { }, nanos::get);
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    private static long connections(FakeSmtpServer smtp) {
        return smtp.verbs().stream().filter(v -> v.equals("EHLO") || v.equals("HELO")).count();
    }
}
