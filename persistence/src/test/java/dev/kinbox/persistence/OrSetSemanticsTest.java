package dev.kinbox.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.persistence.ContactEvent.ContactCreated;
import dev.kinbox.persistence.ContactEvent.ContactFieldChanged;
import dev.kinbox.persistence.ContactEvent.ContactRemoved;
import dev.kinbox.persistence.StateValues.PeerFingerprint;
import dev.kinbox.persistence.PeerEvent.PeerKeyVerified;
import dev.kinbox.persistence.PeerEvent.PeerVerificationWithdrawn;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Observed-remove semantics on the verified-fingerprint set and the contact map. */
class OrSetSemanticsTest {
    private static final String A = "00000000000000a1", B = "00000000000000b2";
    private static final String FP = Histories.fp('1');
    private static final PeerFingerprint PF = new PeerFingerprint("alice@example.org", FP);

    private static Dot dot(String dev, long seq) {
        return new Dot(dev, seq);
    }

    private static Hlc t(String dev, long wall) {
        return new Hlc(wall, 0, dev);
    }

    @Test
    void concurrentAddAndRemove_keepsTheAdd() {
        AccountEvent add1 = new PeerKeyVerified(dot(A, 1), t(A, 1), "alice@example.org", FP);
        AccountState a = AccountState.EMPTY.apply(add1);
        // B saw add1 and removes it; concurrently A adds again
        AccountState b = AccountState.EMPTY.apply(add1);
        AccountEvent remove = new PeerVerificationWithdrawn(dot(B, 1), t(B, 2), "alice@example.org", FP,
                new ArrayList<>(b.verified().dots(PF)));
        AccountEvent add2 = new PeerKeyVerified(dot(A, 2), t(A, 1), "alice@example.org", FP);
        AccountState ab = a.apply(add2).join(b.apply(remove));
        AccountState ba = b.apply(remove).apply(add2);
        assertTrue(ab.verified().contains(PF));
        assertEquals(ab, ba);
        assertEquals(java.util.Set.of(dot(A, 2)), ab.verified().dots(PF));
    }

    @Test
    void removeAfterObservedAdd_wins_inEveryOrder() {
        AccountEvent add = new PeerKeyVerified(dot(A, 1), t(A, 1), "alice@example.org", FP);
        AccountEvent remove = new PeerVerificationWithdrawn(dot(B, 1), t(B, 2), "alice@example.org", FP, List.of(dot(A, 1)));
        assertFalse(AccountState.EMPTY.apply(add).apply(remove).verified().contains(PF));
        assertFalse(AccountState.EMPTY.apply(remove).apply(add).verified().contains(PF));
        assertEquals(AccountState.EMPTY.apply(add).apply(remove), AccountState.EMPTY.apply(remove).apply(add));
    }

    @Test
    void removeOfUnobservedAdd_doesNothingToIt() {
        AccountEvent add = new PeerKeyVerified(dot(A, 1), t(A, 1), "alice@example.org", FP);
        AccountEvent remove = new PeerVerificationWithdrawn(dot(B, 1), t(B, 2), "alice@example.org", FP, List.of());
        assertTrue(AccountState.EMPTY.apply(remove).apply(add).verified().contains(PF));
    }

    @Test
    void contactRemovedConcurrentlyWithItsCreation_staysWithItsFields() {
        AccountEvent c1 = new ContactCreated(dot(A, 1), t(A, 1), "c1");
        AccountEvent name = new ContactFieldChanged(dot(A, 2), t(A, 2), "c1", "name", "Alice");
        AccountEvent removed = new ContactRemoved(dot(B, 1), t(B, 3), "c1", List.of(dot(A, 1)));
        AccountEvent recreated = new ContactCreated(dot(A, 3), t(A, 4), "c1");
        AccountState s = Histories.fold(AccountState.EMPTY, List.of(c1, name, removed));
        assertNull(s.contacts().get("c1"));
        AccountState again = Histories.fold(AccountState.EMPTY, List.of(recreated, removed, name, c1));
        assertEquals("Alice", again.contacts().get("c1").fields().get("name").value());
    }
}
