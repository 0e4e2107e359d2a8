package dev.kinbox.actors.remailer;

import static dev.kinbox.actors.remailer.ListFixture.LIST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.ImapSettings;
import dev.kinbox.journal.mail.Secret;
import dev.kinbox.journal.mail.UidRange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.Test;

/**
 * With several instances, a post another instance handled moments ago (its {@code PostDone} on the
 * server, not yet read by this instance's own polls) is not sent again: the instance reads the
 * others' journals before it decides. The polls here are ten minutes apart, so only that read can
 * tell it.
 */
class RemailerCatchUpIT {
    @Test void aPostAnotherInstanceHandledMomentsAgo_isNotSentAgain() throws Exception {
        ListFixture f = new ListFixture();
        ListSettings settings = ListSettings.defaults(LIST);
        OpenPGPKey ka = ListInstance.deviceKey(), kb = ListInstance.deviceKey();
        String ida = dev.kinbox.journal.Keyring.deviceIdOf(ka.toCertificate()), idb = dev.kinbox.journal.Keyring.deviceIdOf(kb.toCertificate());
        String alice = "alice@example.test";
        List<PostOutcome> byA = new ArrayList<>();
        try (MailServers servers = new MailServers()) {
            servers.user(LIST, "friends", "list-pw-1");
            servers.user(alice, "alice", "pw");
            ImapSettings imap = ImapSettings.of("127.0.0.1", servers.imapPort(), "friends", Secret.of("list-pw-1"));
            Duration poll = Duration.ofMinutes(10);
            try (ListInstance a = new ListInstance("a", ka, idb, kb, imap, servers.smtpPort(), settings, f.pipeline, Duration.ofMinutes(10), poll, byA::add);
                 ListInstance b = new ListInstance("b", kb, ida, ka, imap, servers.smtpPort(), settings, f.pipeline, Duration.ofMinutes(10), poll, o -> { })) {
                a.state.record(List.of(new RosterEvent.SubscriberAdded(alice, f.clock.instant())), null);
                servers.post(f.plain(alice, "handled by b", "body", null));
                byte[] raw = a.listStore.fetch("INBOX", UidRange.all(), Fetch.FULL).get(0).raw();
                String key = RosterStore.postKey(raw);
                b.state.record(List.of(), key); // b sent it a moment ago and recorded that
                assertTrue(b.node.awaitUploaded(Duration.ofSeconds(20)), "b's PostDone is on the server");
                assertFalse(a.state.done(key), "a's own polls have not read it yet");

                a.service.processPending();

                assertTrue(a.state.done(key), "a read b's journal before deciding");
                assertEquals(List.of(), byA, "a handled nothing itself");
                Thread.sleep(1000); // a copy would arrive in this time
                assertEquals(0, servers.inbox(alice).size(), "alice does not get the post a second time");
                assertEquals(0, a.listStore.status("INBOX").messages(), "the handled post is gone from the inbox");
            }
        }
    }
}
