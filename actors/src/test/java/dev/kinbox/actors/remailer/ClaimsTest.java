package dev.kinbox.actors.remailer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.journal.mail.MemoryMailStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClaimsTest {
    private final ListFixture.MutableClock clock = new ListFixture.MutableClock(Instant.parse("2026-01-05T08:00:00Z"));
    private final Claims claims = Claims.of("friends@kinbox.test", Duration.ofMinutes(10), clock);

    @Test
    void folder_isAValidSmaFolder_andParsesBackToItsParts() {
        String f = claims.folder(1767600000L, 42, 3);
        assertTrue(f.matches("[A-Za-z0-9_-]{1,200}"), f);
        assertTrue(f.startsWith("_Autocrypt_SMA_x_remailer-claim_7cfriends_40kinbox_2etest_7c"), f);
        assertEquals(Optional.of(new Claims.Name(1767600000L, 42, 3)), claims.parse(f));
        try (MemoryMailStore store = new MemoryMailStore()) {
            assertTrue(store.createFolderExclusive(f), "the store accepts the name");
        }
    }

    @Test
    void parse_otherFolders_isEmpty() {
        String other = Claims.of("other@kinbox.test", Duration.ZERO, clock).folder(1, 2, 1);
        for (String f : List.of("INBOX", other, claims.folder(1, 2, 1) + "x", claims.folder(1, 2, 1).replace("-2-", "-02-"),
                "_Autocrypt_SMA_x_remailer_7cfriends_40kinbox_2etest_7c0123456789abcdef")) {
            assertEquals(Optional.empty(), claims.parse(f), f);
        }
    }

    @Test
    void badParts_orTooLongAListAddress_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> claims.folder(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> claims.folder(1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Claims.of("a".repeat(120) + "@kinbox.test", Duration.ZERO, clock));
        assertThrows(IllegalArgumentException.class, () -> Claims.of("friends@kinbox.test", Duration.ofSeconds(-1), clock));
    }

    @Test
    void stale_afterTheLeaseSinceFirstSeen_andForgottenOnceGone() {
        String a = claims.folder(1, 1, 1), b = claims.folder(1, 2, 1);
        Map<String, Claims.Name> seen = claims.observe(List.of("INBOX", a));
        assertEquals(List.of(a), List.copyOf(seen.keySet()));
        clock.advance(Duration.ofMinutes(6));
        claims.observe(List.of(a, b));
        assertFalse(claims.stale(a));
        clock.advance(Duration.ofMinutes(4));
        assertTrue(claims.stale(a), "a was first seen 10 minutes ago");
        assertFalse(claims.stale(b), "b only 4 minutes ago");
        claims.observe(List.of(b));
        claims.observe(List.of(a, b));
        assertFalse(claims.stale(a), "a folder that disappeared and came back starts its lease again");
        assertFalse(claims.stale("never-listed"));
    }

    @Test
    void aFolderCreatedAgainBetweenTwoListings_isANewClaim_byItsUidValidity() {
        String a = claims.folder(1, 1, 1), b = claims.folder(1, 2, 1);
        claims.observe(List.of(a, b));
        assertEquals(List.of(a, b), claims.unidentified());
        claims.identify(a, 7);
        assertEquals(List.of(b), claims.unidentified(), "b's STATUS failed: still unknown");
        clock.advance(Duration.ofMinutes(10));
        claims.observe(List.of(a, b)); // listed again: the name alone says nothing about a delete and create in between
        assertTrue(claims.stale(a));
        assertTrue(claims.sameIncarnation(a, 7), "the folder first listed, a lease old");
        assertFalse(claims.sameIncarnation(a, 8), "another UIDVALIDITY: deleted and created again since");
        assertFalse(claims.stale(a), "so its lease starts now");
        clock.advance(Duration.ofMinutes(10));
        assertTrue(claims.stale(a));
        assertTrue(claims.sameIncarnation(a, 8));
        assertFalse(claims.sameIncarnation(b, 9), "an unknown first incarnation is never taken for this one");
        assertFalse(claims.stale(b));
    }
}
