package dev.kinbox.actors.remailer;

import static dev.kinbox.actors.remailer.ListFixture.LIST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.NewMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The list's inbox restored from a backup (a new UIDVALIDITY, the posts renumbered) while the
 * remailer works through it: the UIDs it listed name other posts now, so its deletion of a post
 * it handled must not take another one with it.
 */
class RemailerInboxRestoreTest {
    static final String ALICE = "alice@example.test", BOB = "bob@example.test";

    @Test
    void inboxRestoredBetweenListingAndDeletion_deletesNothingUnhandled_andEveryPostGoesOutOnce() throws Exception {
        ListFixture f = new ListFixture();
        Roster roster = f.roster(ListSettings.defaults(LIST), List.of(ALICE, BOB), Arrays.asList(null, null));
        // a shuffle that reverses two posts: the restored inbox has the second post under the first one's UID
        Random reversing = new Random() {
            @Override public int nextInt(int bound) { return 0; }
        };
        try (FakeSmtpServer smtp = new FakeSmtpServer(FakeSmtpServer.Security.PLAIN_ONLY, null, "u", "p");
             MemoryMailStore memory = new MemoryMailStore(Clock.systemUTC(), reversing)) {
            ScriptedStore store = new ScriptedStore(memory);
            RemailerService service = new RemailerService(store, "INBOX", SmtpSettings.loopback(smtp.port()), f.pipeline, roster,
                    e -> { }, o -> { });
            memory.append("INBOX", List.of(NewMessage.of(f.plain(BOB, "first post", "one", null))));
            memory.append("INBOX", List.of(NewMessage.of(f.plain(BOB, "second post", "two", null))));
            AtomicBoolean restored = new AtomicBoolean();
            store.beforeNextDelete(folder -> {
                memory.faults().rebuild(folder);
                restored.set(true);
            });

            for (int pass = 0; pass < 3 && memory.status("INBOX").messages() > 0; pass++) service.processPending();

            assertTrue(restored.get(), "the inbox was not restored during the pass");
            assertEquals(0, memory.status("INBOX").messages(), "both posts handled and deleted");
            List<String> copies = smtp.received.stream()
                    .flatMap(r -> r.to().stream().map(to -> subject(r.data()) + " to " + to.replaceAll("[<>]", ""))).sorted().toList();
            assertEquals(List.of("first to " + ALICE, "first to " + BOB, "second to " + ALICE, "second to " + BOB), copies,
                    "each post went to each subscriber exactly once");
            service.close();
        }
    }

    private static String subject(byte[] data) {
        String d = new String(data, StandardCharsets.UTF_8);
        return d.contains("first post") ? "first" : d.contains("second post") ? "second" : "?";
    }
}
