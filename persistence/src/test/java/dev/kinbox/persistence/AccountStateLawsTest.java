package dev.kinbox.persistence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.persistence.DeviceEvent.DeviceRetired;
import dev.kinbox.persistence.KeyEvent.AccountKeyRevoked;
import dev.kinbox.persistence.crdt.DeviceStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The semilattice laws of {@link AccountState}, on random multi-device histories. */
class AccountStateLawsTest {
    private static final KinboxCodec CODEC = new KinboxCodec();

    /** A state from a random subset of a history's events (not necessarily causally closed). */
    private static AccountState randomState(Random r, List<AccountEvent> history) {
        AccountState s = AccountState.EMPTY;
        for (AccountEvent e : history) if (r.nextInt(3) != 0) s = s.apply(e);
        return s;
    }

    @Property(tries = 250)
    void join_isCommutativeAssociativeAndIdempotent(@ForAll long seed, @ForAll @IntRange(min = 2, max = 4) int devices) {
        Random r = new Random(seed);
        List<AccountEvent> history = Histories.generate(r, devices, 60);
        AccountState a = randomState(r, history), b = randomState(r, history), c = randomState(r, history);
        assertEquals(a.join(b), b.join(a));
        assertEquals(a.join(b).join(c), a.join(b.join(c)));
        assertEquals(a, a.join(a));
        assertArrayEquals(CODEC.digest(a.join(b)), CODEC.digest(b.join(a)));
        assertArrayEquals(CODEC.digest(a.join(b).join(c)), CODEC.digest(c.join(a).join(b)));
    }

    @Property(tries = 250)
    void anyDeliveryOrderWithDuplicates_givesTheSameState(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int devices) {
        Random r = new Random(seed);
        List<AccountEvent> history = Histories.generate(r, devices, 80);
        AccountState inOrder = Histories.fold(AccountState.EMPTY, history);
        List<AccountEvent> shuffled = new ArrayList<>(history);
        for (int i = 0; i < 20; i++) shuffled.add(history.get(r.nextInt(history.size())));
        Collections.shuffle(shuffled, r);
        AccountState other = Histories.fold(AccountState.EMPTY, shuffled);
        assertEquals(inOrder, other);
        assertArrayEquals(CODEC.digest(inOrder), CODEC.digest(other));
    }

    @Property(tries = 150)
    void snapshotOfPrefixPlusRest_givesTheSameState(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int devices) {
        Random r = new Random(seed);
        List<AccountEvent> history = Histories.generate(r, devices, 80);
        AccountState whole = Histories.fold(AccountState.EMPTY, history);
        List<AccountEvent> shuffled = new ArrayList<>(history);
        Collections.shuffle(shuffled, r);
        int split = r.nextInt(shuffled.size() + 1);
        AccountState snapshot = CODEC.decodeState(CODEC.encode(Histories.fold(AccountState.EMPTY, shuffled.subList(0, split))));
        // the rest overlaps the prefix a little: a lagging sibling re-reads some events
        int from = Math.max(0, split - r.nextInt(5));
        AccountState resumed = Histories.fold(snapshot, shuffled.subList(from, shuffled.size()));
        assertEquals(whole, resumed);
        assertArrayEquals(CODEC.digest(whole), CODEC.digest(resumed));
        // and a sibling that merges the snapshot into its own replica of the rest
        AccountState merged = Histories.fold(AccountState.EMPTY, shuffled.subList(split, shuffled.size())).join(snapshot);
        assertArrayEquals(CODEC.digest(whole), CODEC.digest(merged));
    }

    @Property(tries = 250)
    void apply_equalsJoinWithTheEventsDelta(@ForAll long seed) {
        Random r = new Random(seed);
        List<AccountEvent> history = Histories.generate(r, 3, 60);
        AccountState s = randomState(r, history);
        for (AccountEvent e : history) {
            assertEquals(s.join(AccountState.deltaOf(e)), s.apply(e), () -> "event " + e);
            s = s.apply(e);
        }
    }

    @Property(tries = 250)
    void retiredDevicesAndRevokedKeys_stayThatWayUnderAnyMerge(@ForAll long seed) {
        Random r = new Random(seed);
        List<AccountEvent> history = Histories.generate(r, 3, 60);
        AccountState a = randomState(r, history);
        AccountState b = randomState(r, history);
        AccountState j = a.join(b);
        a.devices().forEach((id, d) -> {
            if (d.status() == DeviceStatus.RETIRED) assertEquals(DeviceStatus.RETIRED, j.devices().get(id).status());
        });
        a.accountKeys().forEach((fp, k) -> {
            if (k.revoked()) assertTrue(j.accountKeys().get(fp).revoked());
        });
        for (AccountEvent e : history) {
            AccountState after = j.apply(e);
            if (e instanceof DeviceRetired dr) assertEquals(DeviceStatus.RETIRED, after.devices().get(dr.deviceId()).status());
            if (e instanceof AccountKeyRevoked kr) {
                assertTrue(after.accountKeys().get(kr.fingerprint()).revoked());
                assertTrue(after.currentKeyFingerprint().map(fp -> !fp.equals(kr.fingerprint())).orElse(true));
            }
        }
    }
}
