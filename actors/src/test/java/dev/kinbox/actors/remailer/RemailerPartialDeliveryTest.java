package dev.kinbox.actors.remailer;

import static dev.kinbox.actors.remailer.ListFixture.LIST;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.NewMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An SMTP server that takes some copies of a post and then fails: the retry sends only the copies
 * it did not take, so no subscriber gets the post twice (the service journals the copies sent).
 */
class RemailerPartialDeliveryTest {
    static final String ALICE = "alice@example.test", BOB = "bob@example.test", CAROL = "carol@example.test";

    @Test
    void aDeliveryFailingPartWay_isRetried_forTheRemainingSubscribersOnly() throws Exception {
        ListFixture f = new ListFixture();
        Roster roster = f.roster(ListSettings.defaults(LIST), List.of(ALICE, BOB, CAROL), Arrays.asList(null, null, null));
        List<PostOutcome> outcomes = new ArrayList<>();
        try (FakeSmtpServer smtp = new FakeSmtpServer(FakeSmtpServer.Security.PLAIN_ONLY, null, "u", "p");
             MemoryMailStore store = new MemoryMailStore()) {
            smtp.acceptLimit = 1;
            RemailerService service = new RemailerService(store, "INBOX", SmtpSettings.loopback(smtp.port()), f.pipeline, roster,
                    e -> { }, outcomes::add);
            store.append("INBOX", List.of(NewMessage.of(f.plain(BOB, "lunch?", "anyone for lunch", null))));

            assertEquals(0, service.processPending(), "the server failed after the first copy: not handled yet");
            assertEquals(1, smtp.received.size());
            assertEquals(1, store.status("INBOX").messages(), "the post stays for the retry");

            smtp.acceptLimit = Integer.MAX_VALUE;
            assertEquals(1, service.processPending());
            List<String> to = smtp.received.stream().flatMap(r -> r.to().stream()).map(a -> a.replaceAll("[<>]", "")).sorted().toList();
            assertEquals(List.of(ALICE, BOB, CAROL), to, "each subscriber got the post exactly once");
            assertEquals(1, outcomes.size());
            assertEquals(0, store.status("INBOX").messages());
            service.close();
        }
    }
}
