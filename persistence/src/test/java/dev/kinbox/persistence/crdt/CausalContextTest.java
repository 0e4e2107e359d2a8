package dev.kinbox.persistence.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class CausalContextTest {
    private static final List<String> DEVICES = List.of("00000000000000a1", "00000000000000b2", "00000000000000c3");

    private static Set<Dot> randomDots(Random r) {
        Set<Dot> dots = new HashSet<>();
        int n = r.nextInt(60);
        for (int i = 0; i < n; i++) dots.add(new Dot(DEVICES.get(r.nextInt(3)), 1 + r.nextInt(25)));
        return dots;
    }

    private static CausalContext fold(Iterable<Dot> dots) {
        CausalContext cc = CausalContext.EMPTY;
        for (Dot d : dots) cc = cc.add(d);
        return cc;
    }

    @Property(tries = 300)
    void sameDots_inAnyOrderOrGrouping_giveTheSameCanonicalContext(@ForAll long seed) {
        Random r = new Random(seed);
        List<Dot> dots = new ArrayList<>(randomDots(r));
        CausalContext a = fold(dots);
        Collections.shuffle(dots, r);
        CausalContext b = fold(dots);
        int cut = dots.isEmpty() ? 0 : r.nextInt(dots.size());
        CausalContext c = fold(dots.subList(0, cut)).join(fold(dots.subList(cut, dots.size())));
        assertEquals(a, b);
        assertEquals(a, c);
        for (String d : DEVICES) {
            for (int s = 1; s <= 26; s++) {
                Dot dot = new Dot(d, s);
                assertEquals(dots.contains(dot), a.contains(dot), dot::toString);
            }
        }
        // canonical: nothing in the cloud is covered by, or directly follows, the vector
        for (Dot d : a.cloud()) assertEquals(true, d.seq() > a.contiguous(d.deviceId()) + 1, d::toString);
    }

    @Property(tries = 200)
    void join_isCommutativeAssociativeIdempotent(@ForAll long seed) {
        Random r = new Random(seed);
        CausalContext a = fold(randomDots(r)), b = fold(randomDots(r)), c = fold(randomDots(r));
        assertEquals(a.join(b), b.join(a));
        assertEquals(a.join(b).join(c), a.join(b.join(c)));
        assertEquals(a, a.join(a));
    }

    @Test
    void of_buildsTheCanonicalFormFromAVectorAndLooseDots() {
        CausalContext cc = CausalContext.of(Map.of("00000000000000a1", 2L),
                List.of(new Dot("00000000000000a1", 3), new Dot("00000000000000a1", 5)));
        assertEquals(3L, cc.contiguous("00000000000000a1"));
        assertEquals(Set.of(new Dot("00000000000000a1", 5)), cc.cloud());
    }
}
