package dev.kinbox.actors.remailer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MailStoreException;
import dev.kinbox.journal.mail.MemoryMailStore;
import dev.kinbox.journal.mail.NewMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two instances of one list on one memory store, interleaved by hand (injected clock, hooks between
 * the CREATE and the MOVE of a claim). The case behind a post lost on Dovecot: a claim whose MOVE
 * failed leaves its post in the inbox behind an empty claim folder; once that is a lease old it is
 * deleted and the post claimed again under the same name. The other instance, which had listed the
 * old empty folder a lease ago, must take the new one for what it is - a fresh claim - and neither
 * delete it nor take it over. And a claim folder that vanishes between the two steps of a claim is
 * passed over without ending the pass.
 */
class ClaimedInboxRaceTest {
    private static final Duration LEASE = Duration.ofMinutes(10);
    private final ListFixture.MutableClock clock = new ListFixture.MutableClock(Instant.parse("2026-01-05T08:00:00Z"));
    private final MemoryMailStore shared = new MemoryMailStore();
    private final ScriptedStore storeA = new ScriptedStore(shared), storeB = new ScriptedStore(shared);
    private final Claims claimsA = Claims.of(ListFixture.LIST, LEASE, clock), claimsB = Claims.of(ListFixture.LIST, LEASE, clock);
    private final ClaimedInbox a = new ClaimedInbox(storeA, "INBOX", claimsA), b = new ClaimedInbox(storeB, "INBOX", claimsB);
    private final List<String> handled = new ArrayList<>();

    @AfterEach
    void close() {
        shared.close();
    }

    @Test
    void aClaimMadeAgainUnderTheNameOfACleanedUpEmptyOne_isNotDeletedByTheInstanceThatListedTheOldOne() {
        String claim = strandBehindAnEmptyClaim();
        assertEquals(0, a.pass(10, handler("a"), () -> false), "a deletes the empty claim; the post waits for the next pass");
        assertEquals(List.of(), claimFolders());
        // a claims the post again; b passes between a's CREATE and a's MOVE, when the new folder is still empty
        storeA.afterNextCreate(f -> assertEquals(0, b.pass(10, handler("b"), () -> false)));
        assertEquals(1, a.pass(10, handler("a"), () -> false));
        assertEquals(List.of("a " + claim), handled, "a's new claim kept its post (b deleting it there lost the post on Dovecot)");
        assertEquals(List.of(), claimFolders());
    }

    @Test
    void aFreshClaimUnderAReusedName_isNotTakenOverWhileItsHolderSendsIt() {
        String claim = strandBehindAnEmptyClaim();
        assertEquals(0, b.pass(10, handler("b"), () -> false), "b deletes the empty claim; the post waits for the next pass");
        List<ClaimedInbox.Hold> holds = new ArrayList<>();
        assertEquals(1, a.pass(10, (f, h) -> {
            handled.add("a " + f);
            assertEquals(0, b.pass(10, handler("b"), () -> false), "b passes while a is about to send");
            holds.add(a.hold(f, h.uid()));
            return true;
        }, () -> false));
        assertEquals(List.of("a " + claim), handled, "only a handled the post");
        assertEquals(List.of(ClaimedInbox.Hold.HELD), holds, "a's claim was still a's when it sent");
        assertEquals(List.of(), claimFolders());
    }

    @Test
    void aStaleClaimWhoseFolderVanishesWhileItIsTakenOver_isPassedOver_andTheInboxIsStillServed() {
        post("post 1");
        String old = claimsB.folder(shared.status("INBOX").uidValidity(), 1, 1);
        assertEquals(0, b.pass(10, (f, h) -> false, () -> false), "b claims post 1, and its handling fails");
        assertEquals(0, a.pass(10, handler("a"), () -> false), "a lists b's claim");
        clock.advance(LEASE);
        post("post 2");
        // b's handling of post 1 ends (it cleans up) just after a created the next generation to take it over
        storeA.afterNextCreate(f -> shared.deleteFolder(old));
        assertEquals(1, a.pass(10, handler("a"), () -> false));
        assertEquals(List.of("a " + claimsA.folder(shared.status("INBOX").uidValidity(), 2, 1)), handled,
                "the vanished claim folder did not end a's pass before the inbox");
    }

    @Test
    void aClaimFolderDeletedBetweenItsCreateAndItsMove_isPassedOver_andTheNextPostIsHandled() {
        post("post 1");
        post("post 2");
        long v = shared.status("INBOX").uidValidity();
        storeA.afterNextCreate(shared::deleteFolder);
        assertEquals(1, a.pass(10, handler("a"), () -> false));
        assertEquals(List.of("a " + claimsA.folder(v, 2, 1)), handled);
        assertEquals(1, shared.status("INBOX").messages(), "post 1 stays for the next pass");
        assertEquals(1, a.pass(10, handler("a"), () -> false));
        assertEquals(List.of("a " + claimsA.folder(v, 2, 1), "a " + claimsA.folder(v, 1, 1)), handled);
    }

    private void post(String subject) {
        shared.append("INBOX", List.of(NewMessage.of(("From: alice@example.test\r\nTo: " + ListFixture.LIST
                + "\r\nSubject: " + subject + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII))));
    }

    /** A post whose claim lost its MOVE (a timeout, say): an empty claim folder both instances list, a lease later. */
    private String strandBehindAnEmptyClaim() {
        post("post 1");
        String claim = claimsA.folder(shared.status("INBOX").uidValidity(), 1, 1);
        storeA.beforeNextMove((from, to) -> {
            throw new MailStoreException.Timeout("MOVE " + from + ": no answer within the timeout (injected)", null);
        });
        assertThrows(MailStoreException.Timeout.class, () -> a.pass(10, handler("a"), () -> false));
        assertEquals(List.of(claim), claimFolders(), "the claim folder stays, empty");
        assertEquals(1, shared.status("INBOX").messages(), "its post stays in the inbox");
        assertEquals(0, a.pass(10, handler("a"), () -> false), "nobody claims a post that has a claim folder");
        assertEquals(0, b.pass(10, handler("b"), () -> false));
        clock.advance(LEASE);
        assertTrue(handled.isEmpty());
        return claim;
    }

    private ClaimedInbox.Handler handler(String instance) {
        return (f, h) -> {
            handled.add(instance + " " + f);
            return true;
        };
    }

    private List<String> claimFolders() {
        return shared.listFolders().stream().filter(n -> claimsA.parse(n).isPresent()).sorted().toList();
    }
}
