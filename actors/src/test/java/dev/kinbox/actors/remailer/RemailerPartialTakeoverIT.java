package dev.kinbox.actors.remailer;

import static dev.kinbox.actors.remailer.ListFixture.LIST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.Test;

/**
 * An instance whose SMTP server failed part-way through a post, and which then dies holding the
 * post's claim: the instance that takes the claim over reads the copies already sent from the
 * first one's journal and sends only the rest. Journal and list account on GreenMail; SMTP a fake
 * server that fails after its first message.
 */
class RemailerPartialTakeoverIT {
    static final List<String> SUBSCRIBERS = List.of("alice@example.test", "bob@example.test", "carol@example.test");
    static final Duration LEASE = Duration.ofSeconds(3);

    @Test
    void aTakeoverAfterAPartialDelivery_sendsOnlyTheCopiesNotSent() throws Exception {
        ListFixture f = new ListFixture();
        OpenPGPKey ka = ListInstance.deviceKey(), kb = ListInstance.deviceKey();
        String ida = dev.kinbox.journal.Keyring.deviceIdOf(ka.toCertificate()), idb = dev.kinbox.journal.Keyring.deviceIdOf(kb.toCertificate());
        try (MailServers servers = new MailServers();
             FakeSmtpServer smtp = new FakeSmtpServer(FakeSmtpServer.Security.PLAIN_ONLY, null, "u", "p")) {
            servers.user(LIST, "friends", "list-pw-1");
            ListSettings settings = ListSettings.defaults(LIST);
            try (ListInstance a = new ListInstance("a", ka, idb, kb, servers.imapPort(), "friends", "list-pw-1", smtp.port(), settings,
                    f.pipeline, LEASE, o -> { });
                 ListInstance b = new ListInstance("b", kb, ida, ka, servers.imapPort(), "friends", "list-pw-1", smtp.port(), settings,
                    f.pipeline, LEASE, o -> { })) {
                List<RosterEvent> adds = new ArrayList<>();
                for (String s : SUBSCRIBERS) adds.add(new RosterEvent.SubscriberAdded(s, f.clock.instant()));
                a.state.record(adds, null);
                assertTrue(a.node.awaitUploaded(Duration.ofSeconds(20)), "a's roster reached the server");
                assertEquals(3, b.node.sync(Duration.ofSeconds(20)).roster().active().size(), "b holds a's roster");

                smtp.acceptLimit = 1;
                servers.post(f.plain(SUBSCRIBERS.get(1), "lunch?", "anyone for lunch", null));
                long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (smtp.received.isEmpty() && System.nanoTime() < until) {
                    a.service.processPending(); // claims the post, sends one copy, fails, journals that copy
                    Thread.sleep(100);
                }
                assertEquals(1, smtp.received.size(), "the server took one copy before it failed");
                assertTrue(a.node.awaitUploaded(Duration.ofSeconds(20)), "a's journal (the copy sent) reached the server");
                a.service.close(); // a dies holding the claim

                smtp.acceptLimit = Integer.MAX_VALUE;
                until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (smtp.received.size() < SUBSCRIBERS.size() && System.nanoTime() < until) {
                    b.service.processPending(); // takes the claim over once it is older than the lease
                    Thread.sleep(200);
                }
                Thread.sleep(1000); // a duplicate would arrive in this time
                List<String> to = smtp.received.stream().flatMap(r -> r.to().stream()).map(x -> x.replaceAll("[<>]", "")).sorted().toList();
                assertEquals(SUBSCRIBERS, to, "every subscriber got the post exactly once");
            }
        }
    }
}
