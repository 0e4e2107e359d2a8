package dev.kinbox.actors.mail;

import static dev.kinbox.actors.mail.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.crypto.Crypto;
import dev.kinbox.crypto.Recommendation;
import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.PeerEvent.PeerBlockChanged;
import dev.kinbox.persistence.PeerEvent.PeerKeyVerified;
import dev.kinbox.persistence.SettingsEvent.MailingListSeen;
import org.junit.jupiter.api.Test;

/** prepareOutgoing with the user's and lists' word on top: mailing lists, blocks, verified keys. */
class OutgoingOverridesTest extends OutgoingTestBase {
    @Test
    void prepareOutgoing_mandatoryList_encryptsEvenWithoutMutual() throws Exception {
        AccountState s = Fixtures.knows(base, dev, LIST, list, false, NOW);
        s = s.apply(new MailingListSeen(dev.nextDot(), dev.now(), LIST, "mandatory", "3/3", NOW.toEpochMilli()));
        OutgoingDecision d = send(s, OutgoingPolicy.AUTOMATIC, LIST);
        assertEquals(Recommendation.ENCRYPT, d.recommendation());
        assertTrue(d.encrypted());
        assertTrue(d.reason().contains("requires encryption"), d.reason());
    }

    @Test
    void prepareOutgoing_mandatoryListWithUnknownCoRecipient_notEncrypted_saysWhy() throws Exception {
        AccountState s = Fixtures.knows(base, dev, LIST, list, false, NOW);
        s = s.apply(new MailingListSeen(dev.nextDot(), dev.now(), LIST, "mandatory", "3/3", NOW.toEpochMilli()));
        OutgoingDecision d = send(s, OutgoingPolicy.AUTOMATIC, LIST, CAROL);
        assertEquals(Recommendation.DISABLE, d.recommendation());
        assertFalse(d.encrypted());
        assertTrue(d.reason().contains(CAROL + " has no usable key"), d.reason());
    }

    @Test
    void prepareOutgoing_availableList_doesNotForceEncryption_evenWithMutualKey() throws Exception {
        AccountState s = Fixtures.mutual(Fixtures.knows(base, dev, LIST, list, true, NOW), dev);
        assertEquals(Recommendation.ENCRYPT, send(s, OutgoingPolicy.AUTOMATIC, LIST).recommendation()); // not yet a list
        s = s.apply(new MailingListSeen(dev.nextDot(), dev.now(), LIST, "available", "2/3", NOW.toEpochMilli()));
        OutgoingDecision d = send(s, OutgoingPolicy.AUTOMATIC, LIST);
        assertEquals(Recommendation.AVAILABLE, d.recommendation());
        assertFalse(d.encrypted());
    }

    @Test
    void prepareOutgoing_blockedRecipient_disable_andEncryptChoiceRefused() throws Exception {
        AccountState s = Fixtures.mutual(Fixtures.knows(base, dev, BOB, bob, true, NOW), dev);
        s = s.apply(new PeerBlockChanged(dev.nextDot(), dev.now(), BOB, true));
        OutgoingDecision d = send(s, OutgoingPolicy.AUTOMATIC, BOB);
        assertEquals(Recommendation.DISABLE, d.recommendation());
        assertTrue(d.reason().contains("blocked"), d.reason());
        AccountState blocked = s;
        assertThrows(MailProcessingException.Refused.class,
                () -> send(blocked, new OutgoingPolicy(OutgoingPolicy.Choice.ENCRYPT, false), BOB));
    }

    @Test
    void prepareOutgoing_keyDiffersFromVerified_discourage_matchingVerified_keepsEncrypt() throws Exception {
        AccountState s = Fixtures.mutual(Fixtures.knows(base, dev, BOB, bob, true, NOW), dev);
        AccountState wrong = s.apply(new PeerKeyVerified(dev.nextDot(), dev.now(), BOB, Crypto.fingerprint(carol)));
        OutgoingDecision d = send(wrong, OutgoingPolicy.AUTOMATIC, BOB);
        assertEquals(Recommendation.DISCOURAGE, d.recommendation());
        assertTrue(d.reason().contains("not the one you verified"), d.reason());
        AccountState right = s.apply(new PeerKeyVerified(dev.nextDot(), dev.now(), BOB, Crypto.fingerprint(bob)));
        OutgoingDecision ok = send(right, OutgoingPolicy.AUTOMATIC, BOB);
        assertEquals(Recommendation.ENCRYPT, ok.recommendation());
        assertTrue(ok.reason().contains("key verified"), ok.reason());
    }

    @Test
    void prepareOutgoing_mandatoryListWhoseKeyIsNotTheVerifiedOne_discouraged_notForced() throws Exception {
        AccountState s = Fixtures.knows(base, dev, LIST, list, false, NOW);
        s = s.apply(new MailingListSeen(dev.nextDot(), dev.now(), LIST, "mandatory", "3/3", NOW.toEpochMilli()));
        s = s.apply(new PeerKeyVerified(dev.nextDot(), dev.now(), LIST, Crypto.fingerprint(bob)));
        OutgoingDecision d = send(s, OutgoingPolicy.AUTOMATIC, LIST);
        assertEquals(Recommendation.DISCOURAGE, d.recommendation());
        assertFalse(d.encrypted());
    }
}
