package dev.kinbox.actors.remailer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.Fetch;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.NewMessage;
import dev.kinbox.journal.mail.UidRange;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The claim lease as the holder sees it (memory store, injected clock): a claim is acted on only
 * while it is younger than half the lease, and an older one of ours is renewed into the next
 * generation before it is handled again, so another instance never takes over a post we may be
 * sending.
 */
class ClaimedInboxTest {
    private static final Duration LEASE = Duration.ofMinutes(10);
    private final ListFixture.MutableClock clock = new ListFixture.MutableClock(Instant.parse("2026-01-05T08:00:00Z"));
    private final MemoryMailStore store = new MemoryMailStore();
    private final Claims claims = Claims.of("friends@kinbox.test", LEASE, clock);
    private final ClaimedInbox inbox = new ClaimedInbox(store, "INBOX", claims);
    private final List<String> handledIn = new ArrayList<>();

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aFreshClaim_isHeld_andItsPostHandledFromGenerationOne() {
        long validity = post("post 1");
        int done = inbox.pass(10, (f, h) -> {
            handledIn.add(f);
            assertEquals(ClaimedInbox.Hold.HELD, inbox.hold(f, h.uid()), "made just now");
            return true;
        }, () -> false);
        assertEquals(1, done);
        assertEquals(List.of(claims.folder(validity, 1, 1)), handledIn);
        assertEquals(List.of(), claimFolders(), "the handled post's claim folder is deleted");
    }

    @Test
    void aClaimWhoseHandlingOutlivedHalfTheLease_isAged_andNotSent() {
        post("post 1");
        inbox.pass(10, (f, h) -> {
            clock.advance(LEASE.dividedBy(2)); // the send was prepared this slowly
            assertEquals(ClaimedInbox.Hold.AGED, inbox.hold(f, h.uid()));
            return false;
        }, () -> false);
        assertEquals(1, claimFolders().size(), "the claim stays for the next pass");
    }

    @Test
    void anAgedClaimOfOurs_isRenewedIntoTheNextGeneration_beforeItIsHandledAgain() {
        long validity = post("post 1");
        inbox.pass(10, (f, h) -> false, () -> false); // first handling failed (say, SMTP was down)
        assertEquals(List.of(claims.folder(validity, 1, 1)), claimFolders());
        clock.advance(LEASE.dividedBy(2).plusSeconds(1));
        inbox.pass(10, (f, h) -> {
            handledIn.add(f);
            assertEquals(ClaimedInbox.Hold.HELD, inbox.hold(f, h.uid()), "renewed just now");
            assertFalse(store.listFolders().contains(claims.folder(validity, 1, 1)), "the old generation is gone");
            return true;
        }, () -> false);
        assertEquals(List.of(claims.folder(validity, 1, 2)), handledIn);
        assertEquals(List.of(), claimFolders());
    }

    @Test
    void aRenewalThatLosesToATakeover_handlesNothing() {
        long validity = post("post 1");
        inbox.pass(10, (f, h) -> false, () -> false);
        String first = claims.folder(validity, 1, 1), second = claims.folder(validity, 1, 2);
        // another instance takes the claim over: it creates the next generation and moves the post there
        assertTrue(store.createFolderExclusive(second));
        assertEquals(1, store.move(first, List.of(1L), second).size());
        clock.advance(LEASE);
        int done = inbox.pass(10, (f, h) -> {
            handledIn.add(f);
            return true;
        }, () -> false);
        assertEquals(List.of(), handledIn, "the post is the other instance's now");
        assertEquals(0, done);
        assertEquals(1, store.fetch(second, UidRange.all(), Fetch.HEADERS).size(), "its post is untouched");
    }

    @Test
    void aPostMovedAwayWhileWeWorked_isLost() {
        long validity = post("post 1");
        inbox.pass(10, (f, h) -> {
            String other = claims.folder(validity, 1, 2);
            store.createFolderExclusive(other);
            store.move(f, List.of(h.uid()), other);
            assertEquals(ClaimedInbox.Hold.LOST, inbox.hold(f, h.uid()));
            return true;
        }, () -> false);
        assertTrue(store.fetch(claims.folder(validity, 1, 2), UidRange.all(), Fetch.HEADERS).size() == 1);
    }

    private long post(String subject) {
        String raw = "From: alice@example.test\r\nTo: friends@kinbox.test\r\nSubject: " + subject + "\r\n\r\nbody\r\n";
        store.append("INBOX", List.of(NewMessage.of(raw.getBytes(StandardCharsets.US_ASCII))));
        return store.status("INBOX").uidValidity();
    }

    private List<String> claimFolders() {
        return store.listFolders().stream().filter(n -> claims.parse(n).isPresent()).sorted().toList();
    }
}
