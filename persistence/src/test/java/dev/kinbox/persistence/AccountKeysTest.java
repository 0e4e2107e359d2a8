package dev.kinbox.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.persistence.KeyEvent.AccountKeyCreated;
import dev.kinbox.persistence.KeyEvent.AccountKeyRevoked;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccountKeysTest {
    private static final String A = "00000000000000a1", B = "00000000000000b2";
    private static final String FA = Histories.fp('A'), FB = Histories.fp('1');

    @Test
    void twoFirstDevicesEachGeneratingAKey_convergeOnTheLaterOne_andKeepTheOther() {
        AccountEvent ka = new AccountKeyCreated(new Dot(A, 1), new Hlc(100, 0, A), FA, Histories.key(FA));
        AccountEvent kb = new AccountKeyCreated(new Dot(B, 1), new Hlc(200, 0, B), FB, Histories.key(FB));
        AccountState onA = AccountState.EMPTY.apply(ka).join(AccountState.EMPTY.apply(kb));
        AccountState onB = AccountState.EMPTY.apply(kb).apply(ka);
        assertEquals(Optional.of(FB), onA.currentKeyFingerprint());
        assertEquals(onA, onB);
        assertEquals(2, onA.accountKeys().size());
    }

    @Test
    void equalCreationTimes_areBrokenByFingerprint() {
        Hlc t = new Hlc(100, 0, A);
        AccountState s = Histories.fold(AccountState.EMPTY, List.of(
                new AccountKeyCreated(new Dot(A, 1), t, FB, Histories.key(FB)),
                new AccountKeyCreated(new Dot(A, 2), t, FA, Histories.key(FA))));
        assertEquals(Optional.of(FA), s.currentKeyFingerprint()); // 'A...' > '1...'
    }

    @Test
    void revokingTheCurrentKey_fallsBackToTheNextOne_evenIfTheRevocationArrivesFirst() {
        AccountEvent ka = new AccountKeyCreated(new Dot(A, 1), new Hlc(100, 0, A), FA, Histories.key(FA));
        AccountEvent kb = new AccountKeyCreated(new Dot(B, 1), new Hlc(200, 0, B), FB, Histories.key(FB));
        AccountEvent revoke = new AccountKeyRevoked(new Dot(A, 2), new Hlc(300, 0, A), FB);
        AccountState s = Histories.fold(AccountState.EMPTY, List.of(revoke, ka, kb));
        assertEquals(Optional.of(FA), s.currentKeyFingerprint());
        assertTrue(s.accountKeys().get(FB).revoked());
        assertEquals(Histories.key(FB), s.accountKeys().get(FB).secretKey());
        assertEquals(s, Histories.fold(AccountState.EMPTY, List.of(ka, kb, revoke)));
    }
}
