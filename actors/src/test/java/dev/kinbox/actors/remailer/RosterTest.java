package dev.kinbox.actors.remailer;

import static dev.kinbox.actors.remailer.ListFixture.LIST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.AutocryptMail;
import dev.kinbox.crypto.Crypto;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RosterTest {
    static final String ALICE = "alice@example.test", BOB = "bob@example.test";
    ListFixture f;
    Roster roster;
    Instant t0;

    @BeforeEach
    void setUp() throws Exception {
        f = new ListFixture();
        t0 = f.clock.instant();
        roster = Roster.empty(ListSettings.defaults(LIST))
                .apply(new RosterEvent.SubscriberAdded(ALICE, t0))
                .apply(new RosterEvent.SubscriberAdded(BOB, t0));
    }

    private AutocryptMail mail(byte[] raw) throws Exception {
        return f.crypto.autocrypt().parseMail(raw, f.clock.instant());
    }

    private Roster collect(Roster r, byte[] raw, List<String> refusals) throws Exception {
        return r.applyAll(r.collect(mail(raw), refusals));
    }

    @Test
    void keyInAMailFromTheSubscriber_isCollected() throws Exception {
        OpenPGPKey k = f.key(ALICE);
        Roster r = collect(roster, f.plain(ALICE, "hi", "x", f.autocrypt(ALICE, k)), new ArrayList<>());
        assertEquals(Crypto.fingerprint(k.toCertificate()), r.subscribers().get(ALICE).fingerprint());
        assertEquals(1, r.withKeys());
    }

    @Test
    void keyForAnotherAddress_isNeverUsed_forEitherSubscriber() throws Exception {
        OpenPGPKey k = f.key(ALICE);
        // bob's mail carrying a header for alice: crypto refuses addr != From, so nobody gets a key
        Roster r = collect(roster, f.plain(BOB, "hi", "x", f.autocrypt(ALICE, k)), new ArrayList<>());
        assertTrue(r.subscribers().get(ALICE).key().isEmpty());
        assertTrue(r.subscribers().get(BOB).key().isEmpty());
    }

    @Test
    void mailFromAStranger_changesNothing() throws Exception {
        String stranger = "eve@example.test";
        List<RosterEvent> ev = roster.collect(mail(f.plain(stranger, "hi", "x", f.autocrypt(stranger, f.key(stranger)))), new ArrayList<>());
        assertTrue(ev.isEmpty());
    }

    @Test
    void olderMail_doesNotReplaceANewerKey_asLevel1Says() throws Exception {
        OpenPGPKey oldKey = f.key(ALICE);
        byte[] older = f.plain(ALICE, "old", "x", f.autocrypt(ALICE, oldKey));
        f.clock.advance(Duration.ofHours(1));
        OpenPGPKey newKey = f.key(ALICE);
        Roster r = collect(roster, f.plain(ALICE, "new", "x", f.autocrypt(ALICE, newKey)), new ArrayList<>());
        assertTrue(r.collect(mail(older), new ArrayList<>()).isEmpty(), "an older mail changes nothing");
        assertEquals(Crypto.fingerprint(newKey.toCertificate()), r.subscribers().get(ALICE).fingerprint());
        // a newer mail without a header keeps the key and moves last_seen
        f.clock.advance(Duration.ofHours(1));
        Roster later = collect(r, f.plain(ALICE, "later", "x", null), new ArrayList<>());
        assertEquals(Crypto.fingerprint(newKey.toCertificate()), later.subscribers().get(ALICE).fingerprint());
        assertEquals(f.clock.instant().getEpochSecond(), later.subscribers().get(ALICE).lastSeen().getEpochSecond());
    }

    @Test
    void pinnedFingerprint_refusesAKeyChange_andAcceptsThePinnedKey() throws Exception {
        OpenPGPKey pinned = f.key(ALICE), other = f.key(ALICE);
        Roster r = roster.apply(new RosterEvent.FingerprintPinned(ALICE, t0, Crypto.fingerprint(pinned.toCertificate())));
        List<String> refusals = new ArrayList<>();
        f.clock.advance(Duration.ofMinutes(1));
        Roster after = collect(r, f.plain(ALICE, "hi", "x", f.autocrypt(ALICE, other)), refusals);
        assertTrue(after.subscribers().get(ALICE).key().isEmpty());
        assertEquals(1, refusals.size());
        assertTrue(refusals.get(0).contains("pinned"));
        f.clock.advance(Duration.ofMinutes(1));
        after = collect(r, f.plain(ALICE, "hi", "x", f.autocrypt(ALICE, pinned)), refusals);
        assertEquals(Crypto.fingerprint(pinned.toCertificate()), after.subscribers().get(ALICE).fingerprint());
    }

    @Test
    void adminKey_winsOverTheCollectedKey_untilCleared() throws Exception {
        OpenPGPKey collected = f.key(ALICE), admin = f.key(ALICE);
        Roster r = collect(roster, f.plain(ALICE, "hi", "x", f.autocrypt(ALICE, collected)), new ArrayList<>());
        String adminFp = Crypto.fingerprint(admin.toCertificate());
        r = r.apply(new RosterEvent.SubscriberKeySet(ALICE, t0, admin.toCertificate().getEncoded(), adminFp));
        assertEquals(adminFp, r.subscribers().get(ALICE).fingerprint());
        r = r.apply(new RosterEvent.SubscriberKeySet(ALICE, t0, null, null));
        assertEquals(Crypto.fingerprint(collected.toCertificate()), r.subscribers().get(ALICE).fingerprint());
    }

    @Test
    void unsubscribe_keepsTheKey_forALaterResubscribe() throws Exception {
        OpenPGPKey k = f.key(ALICE);
        Roster r = collect(roster, f.plain(ALICE, "hi", "x", f.autocrypt(ALICE, k)), new ArrayList<>());
        r = r.apply(new RosterEvent.SubscriberRemoved(ALICE, t0));
        assertFalse(r.isSubscribed(ALICE));
        assertEquals(0, r.withKeys());
        r = r.apply(new RosterEvent.SubscriberAdded(ALICE, t0));
        assertEquals(Crypto.fingerprint(k.toCertificate()), r.subscribers().get(ALICE).fingerprint());
    }

    @Test
    void eventsAboutUnknownAddresses_areNoOps() {
        Roster r = roster.apply(new RosterEvent.SubscriberRemoved("nobody@example.test", t0))
                .apply(new RosterEvent.FingerprintPinned("nobody@example.test", t0, "AB"));
        assertEquals(roster.subscribers().keySet(), r.subscribers().keySet());
        assertNull(r.subscribers().get("nobody@example.test"));
    }

    @Test
    void floodWindow_countsOnlyRecentMails_andForgetsOldSenders() {
        Roster r = roster;
        for (int i = 0; i < 3; i++) r = r.apply(new RosterEvent.PostReceived(ALICE, t0.plusSeconds(i)));
        assertEquals(3, r.mailsInWindow(ALICE, t0.plusSeconds(3)));
        assertEquals(0, r.mailsInWindow(ALICE, t0.plus(Duration.ofHours(2))));
        r = r.apply(new RosterEvent.PostReceived(BOB, t0.plus(Duration.ofHours(2))));
        assertFalse(r.recentMails().containsKey(ALICE), "alice's mails fell out of the window");
    }

    @Test
    void threshold_majorityMeansMoreThanHalf_andNeverWithNoSubscribers() {
        ListSettings.Threshold m = ListSettings.Threshold.MAJORITY;
        assertFalse(m.met(0, 0));
        assertFalse(m.met(1, 2));
        assertTrue(m.met(2, 3));
        assertTrue(new ListSettings.Threshold.AtLeastPercent(50).met(1, 2));
        assertFalse(new ListSettings.Threshold.AtLeastPercent(50).met(1, 3));
        assertThrows(IllegalArgumentException.class, () -> new ListSettings.Threshold.AtLeastPercent(101));
    }

    @Test
    void settings_refuseNonsense() {
        assertThrows(IllegalArgumentException.class, () -> ListSettings.defaults("not-an-address"));
        assertThrows(IllegalArgumentException.class, () -> ListSettings.defaults(LIST).withLimits(10, 1, Duration.ofMinutes(1)));
        assertThrows(IllegalArgumentException.class, () -> ListSettings.defaults(LIST).withLimits(4096, 0, Duration.ofMinutes(1)));
        assertEquals("<friends.kinbox.test>", ListSettings.defaults("Friends@Kinbox.test").listId());
        assertSame(ListSettings.Threshold.MAJORITY, ListSettings.defaults(LIST).threshold());
    }
}
