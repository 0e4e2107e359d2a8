package dev.kinbox.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.persistence.SettingsEvent.SettingChanged;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import dev.kinbox.persistence.crdt.HybridClock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class HybridClockTest {
    private static final String A = "00000000000000a1", B = "00000000000000b2";

    @Property(tries = 100)
    void now_isStrictlyMonotonic_evenWhenTheWallClockJumpsBack(@ForAll long seed) {
        Random r = new Random(seed);
        MutableClock wall = new MutableClock(1_000_000);
        HybridClock c = new HybridClock(wall, A);
        Hlc prev = c.now();
        for (int i = 0; i < 200; i++) {
            wall.advance(r.nextInt(2001) - 1000);
            Hlc next = r.nextBoolean() ? c.now() : c.observe(new Hlc(wall.millis() + r.nextInt(5000) - 2500, r.nextInt(3), B));
            String msg = next + " not after " + prev;
            assertTrue(next.compareTo(prev) > 0, msg);
            prev = next;
        }
    }

    @Test
    void observe_movesPastTheRemoteTimestamp() {
        HybridClock c = new HybridClock(new MutableClock(1_000), A);
        Hlc remote = new Hlc(5_000, 7, B);
        Hlc t = c.observe(remote);
        assertTrue(t.compareTo(remote) > 0);
        assertEquals(5_000, t.wallMillis());
        assertTrue(c.now().compareTo(t) > 0);
    }

    @Test
    void equalWallAndCounter_areOrderedByDevice() {
        assertTrue(new Hlc(1, 0, A).compareTo(new Hlc(1, 0, B)) < 0);
    }

    @Property(tries = 50)
    void devicesHoursApart_convergeOnTheSameLastWriter(@ForAll long seed, @ForAll @IntRange(min = 1, max = 48) int hoursApart) {
        Random r = new Random(seed);
        MutableClock wa = new MutableClock(1_800_000_000_000L), wb = new MutableClock(1_800_000_000_000L + hoursApart * 3_600_000L);
        HybridClock ca = new HybridClock(wa, A), cb = new HybridClock(wb, B);
        List<AccountEvent> events = new ArrayList<>();
        long sa = 0, sb = 0;
        Hlc last = null;
        for (int i = 0; i < 40; i++) {
            wa.advance(r.nextInt(100));
            wb.advance(r.nextInt(100));
            boolean fromA = r.nextBoolean();
            HybridClock c = fromA ? ca : cb;
            if (last != null && r.nextInt(3) == 0) c.observe(last);
            Hlc t = c.now();
            last = t;
            events.add(new SettingChanged(new Dot(fromA ? A : B, fromA ? ++sa : ++sb), t, "theme", "v" + i));
        }
        AccountState inOrder = Histories.fold(AccountState.EMPTY, events);
        Collections.shuffle(events, r);
        AccountState shuffled = Histories.fold(AccountState.EMPTY, events);
        assertEquals(inOrder, shuffled);
        Hlc max = events.stream().map(AccountEvent::time).max(Hlc::compareTo).orElseThrow();
        assertEquals(max, shuffled.settings().get("theme").time());
    }
}
