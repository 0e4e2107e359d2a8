package dev.kinbox.actors.remailer;

import static dev.kinbox.actors.remailer.ListFixture.LIST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.Test;

/**
 * Two instances of one list on one GreenMail account (SMTP+IMAP in this JVM): they share the roster
 * through the list account's SMA folders and claim each post (exclusive CREATE of its claim folder,
 * then UID MOVE into it), so every subscriber gets
 * every post exactly once - also when one instance is killed mid-run, one post still sitting in its
 * claim folder (the other takes it over after the lease).
 */
class RemailerTwoInstancesIT {
    static final List<String> SUBSCRIBERS = List.of("alice@example.test", "bob@example.test", "carol@example.test");
    static final int POSTS = 8;
    /** Longer than handling one post even on a loaded machine (a shorter one lets a slow handler be taken over mid-send), short enough for the takeover below. */
    static final Duration LEASE = Duration.ofSeconds(5);

    @Test
    void twoInstances_oneKilledMidRun_everySubscriberGetsEveryPostExactlyOnce() throws Exception {
        ListFixture f = new ListFixture();
        ListSettings settings = ListSettings.defaults(LIST);
        List<PostOutcome> byA = Collections.synchronizedList(new ArrayList<>()), byB = Collections.synchronizedList(new ArrayList<>());
        OpenPGPKey ka = ListInstance.deviceKey(), kb = ListInstance.deviceKey();
        String ida = dev.kinbox.journal.Keyring.deviceIdOf(ka.toCertificate()), idb = dev.kinbox.journal.Keyring.deviceIdOf(kb.toCertificate());
        try (MailServers servers = new MailServers()) {
            servers.user(LIST, "friends", "list-pw-1");
            for (String a : SUBSCRIBERS) servers.user(a, a.substring(0, a.indexOf('@')), "pw");
            ListInstance a = new ListInstance("a", ka, idb, kb, servers.imapPort(), "friends", "list-pw-1", servers.smtpPort(), settings,
                    f.pipeline, LEASE, byA::add);
            ListInstance b = new ListInstance("b", kb, ida, ka, servers.imapPort(), "friends", "list-pw-1", servers.smtpPort(), settings,
                    f.pipeline, LEASE, byB::add);
            try {
                // the admin subscribes three addresses on instance a; b learns them through a's journal
                List<RosterEvent> adds = new ArrayList<>();
                for (String s : SUBSCRIBERS) adds.add(new RosterEvent.SubscriberAdded(s, f.clock.instant()));
                a.state.record(adds, null);
                assertTrue(a.node.awaitUploaded(Duration.ofSeconds(10)), "a's events reached the server");
                assertEquals(3, b.node.sync(Duration.ofSeconds(20)).roster().active().size(), "one sync later b holds a's roster");

                a.service.start();
                b.service.start();
                for (int i = 0; i < POSTS / 2; i++) post(servers, f.plain(SUBSCRIBERS.get(0), "post " + i, "body " + i, null));
                await(servers, POSTS / 2);

                // a is "killed" after claiming one post it never handled: the post stays in its claim folder
                a.service.close();
                // what a left behind: the post's claim folder holding the post (b races for everything in
                // the inbox, so the state is made directly: a claim of an inbox UID far above UIDNEXT)
                String claim = a.claims.folder(a.listStore.status("INBOX").uidValidity(), 1_000_000, 1);
                assertTrue(a.listStore.createFolderExclusive(claim), "a creates the post's claim folder");
                a.listStore.append(claim, dev.kinbox.journal.mail.NewMessage.of(f.plain(SUBSCRIBERS.get(0), "post claimed by a", "body c", null)));
                a.close();
                for (int i = POSTS / 2 + 1; i < POSTS; i++) post(servers, f.plain(SUBSCRIBERS.get(0), "post " + i, "body " + i, null));
                b.service.processPending(); // the watch drives b; this call lets it see the stale claim sooner
                long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < until && minInbox(servers) < POSTS) {
                    Thread.sleep(300);
                    b.service.processPending();
                }
                Thread.sleep(1500); // a duplicate would arrive in this time
                for (String s : SUBSCRIBERS) {
                    List<byte[]> got = servers.inbox(s);
                    Set<String> ids = new HashSet<>();
                    for (byte[] m : got) ids.add(ListFixture.mime(m).getMessageID());
                    assertEquals(POSTS, got.size(), s + " receives each post once");
                    assertEquals(POSTS, ids.size(), s + " receives " + POSTS + " distinct posts");
                }
                assertFalse(b.listStore.listFolders().contains(claim), "a's stale claim was taken over and cleaned up");
                assertEquals(List.of(), b.listStore.listFolders().stream().filter(n -> b.claims.parse(n).isPresent()).toList(),
                        "no claim folder is left");
                assertEquals(POSTS, byA.size() + byB.size(), "each post was handled by exactly one instance");
                System.out.println("remailer two instances: a handled " + byA.size() + ", b handled " + byB.size() + " of " + POSTS);
            } finally {
                b.close();
                a.close();
            }
        }
    }

    private static int minInbox(MailServers servers) throws Exception {
        int min = Integer.MAX_VALUE;
        for (String s : SUBSCRIBERS) min = Math.min(min, servers.inbox(s).size());
        return min;
    }

    private static void await(MailServers servers, int n) throws Exception {
        for (String s : SUBSCRIBERS) assertTrue(servers.await(s, n, 20_000).size() >= n, s + " got the first posts");
    }

    static void post(MailServers servers, byte[] raw) throws Exception {
        servers.post(raw);
    }
}
