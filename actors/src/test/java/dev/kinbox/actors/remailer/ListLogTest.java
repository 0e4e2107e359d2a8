package dev.kinbox.actors.remailer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.persistence.crdt.Hlc;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The merge law of {@link ListLog}: any arrival order that keeps each instance's own order, with duplicates, gives one state. */
class ListLogTest {
    static final String A = "00000000000000aa", B = "00000000000000bb", C = "00000000000000cc";
    static final String L = "friends@kinbox.test";
    static final List<String> PEOPLE = List.of("ann@x.test", "ben@x.test", "cat@x.test");

    /** Events of one instance with increasing stamps that interleave with the other instances' (same walls). */
    static List<ListEvent> instanceEvents(String node, Random rnd, int n) {
        List<ListEvent> out = new ArrayList<>();
        long wall = 1_000;
        for (int i = 0; i < n; i++) {
            wall += rnd.nextInt(3);
            Hlc h = new Hlc(wall, i, node);
            Instant at = Instant.ofEpochMilli(wall);
            String who = PEOPLE.get(rnd.nextInt(PEOPLE.size()));
            ListEvent e = switch (rnd.nextInt(5)) {
                case 0, 1 -> new ListEvent.Changed(h, new RosterEvent.SubscriberAdded(who, at));
                case 2 -> new ListEvent.Changed(h, new RosterEvent.SubscriberRemoved(who, at));
                case 3 -> new ListEvent.Changed(h, new RosterEvent.FingerprintPinned(who, at, node.toUpperCase() + "00".repeat(12)));
                default -> new ListEvent.PostDone(h, "sha256:" + node + i);
            };
            out.add(e);
        }
        return out;
    }

    static Roster sortedFold(List<List<ListEvent>> perInstance) {
        Roster r = Roster.empty(ListSettings.defaults(L));
        List<ListEvent> all = new ArrayList<>();
        perInstance.forEach(all::addAll);
        all.sort(Comparator.comparing(ListEvent::hlc));
        for (ListEvent e : all) if (e instanceof ListEvent.Changed c) r = r.apply(c.event());
        return r;
    }

    /** A random interleaving of the instances' lists (each kept in order), with random duplicates of earlier events. */
    static List<ListEvent> interleave(List<List<ListEvent>> perInstance, Random rnd) {
        List<ListEvent> out = new ArrayList<>();
        int[] pos = new int[perInstance.size()];
        int left = perInstance.stream().mapToInt(List::size).sum();
        while (left > 0) {
            int i = rnd.nextInt(perInstance.size());
            if (pos[i] >= perInstance.get(i).size()) continue;
            out.add(perInstance.get(i).get(pos[i]++));
            left--;
            if (rnd.nextInt(4) == 0) out.add(out.get(rnd.nextInt(out.size())));
        }
        return out;
    }

    @Test
    void anyArrivalOrderWithDuplicates_givesTheFoldInStampOrder() {
        for (long seed = 1; seed <= 300; seed++) {
            Random rnd = new Random(seed);
            List<List<ListEvent>> per = List.of(instanceEvents(A, rnd, 25), instanceEvents(B, rnd, 25), instanceEvents(C, rnd, 10));
            Roster expected = sortedFold(per);
            ListLog one = ListLog.empty(Set.of(A, B, C), ListSettings.defaults(L)).addAll(interleave(per, rnd));
            ListLog two = ListLog.empty(Set.of(A, B, C), ListSettings.defaults(L)).addAll(interleave(per, rnd));
            assertEquals(expected, one.roster(), "seed " + seed);
            assertEquals(one.roster(), two.roster(), "seed " + seed);
            for (List<ListEvent> l : per) {
                for (ListEvent e : l) {
                    if (e instanceof ListEvent.PostDone d) assertTrue(one.done(d.postKey()) && two.done(d.postKey()), "seed " + seed);
                }
            }
            assertFalse(one.done("sha256:never"));
        }
    }

    @Test
    void stableEvents_areFoldedIntoTheBase_andTheTailStaysShort() {
        Random rnd = new Random(7);
        List<List<ListEvent>> per = List.of(instanceEvents(A, rnd, 200), instanceEvents(B, rnd, 200));
        ListLog log = ListLog.empty(Set.of(A, B), ListSettings.defaults(L)).addAll(interleave(per, new Random(8)));
        assertEquals(sortedFold(per), log.roster());
        assertTrue(log.pending().size() < 200, "stable events leave the tail: " + log.pending().size());
        assertEquals(sortedFold(per), log.base().applyAll(log.pending().values().stream()
                .filter(e -> e instanceof ListEvent.Changed).map(e -> ((ListEvent.Changed) e).event()).toList()));
    }

    @Test
    void aSilentInstance_keepsEverythingInTheTail_butTheRosterIsRight() {
        Random rnd = new Random(3);
        List<List<ListEvent>> per = List.of(instanceEvents(A, rnd, 50));
        ListLog log = ListLog.empty(Set.of(A, B), ListSettings.defaults(L)).addAll(per.get(0));
        assertEquals(50, log.pending().size());
        assertEquals(sortedFold(per), log.roster());
    }

    @Test
    void copiesSent_areKeptFromAnyInstance_whetherStableOrNot_untilThePostIsDone() {
        ListLog log = ListLog.empty(Set.of(A, B), ListSettings.defaults(L))
                .add(new ListEvent.CopiesSent(new Hlc(10, 0, A), "sha256:p", List.of("DELIVERY ann@x.test")))
                .add(new ListEvent.CopiesSent(new Hlc(11, 0, A), "sha256:q", List.of("DELIVERY ann@x.test")));
        assertEquals(Set.of("DELIVERY ann@x.test"), log.copiesSent("sha256:p"));
        log = log.add(new ListEvent.CopiesSent(new Hlc(12, 0, B), "sha256:p", List.of("DELIVERY ben@x.test", "DELIVERY ann@x.test")));
        assertTrue(log.pending().size() < 3, "the stable part left the tail");
        assertEquals(Set.of("DELIVERY ann@x.test", "DELIVERY ben@x.test"), log.copiesSent("sha256:p"), "from both instances");
        log = log.add(new ListEvent.PostDone(new Hlc(13, 0, A), "sha256:p")).add(new ListEvent.PostDone(new Hlc(14, 0, B), "sha256:x"));
        assertEquals(Set.of(), log.copiesSent("sha256:p"), "a finished post needs no copies");
        assertTrue(log.baseSent().containsKey("sha256:q") && !log.baseSent().containsKey("sha256:p"), "done posts leave the base");
        assertEquals(Set.of("DELIVERY ann@x.test"), log.copiesSent("sha256:q"));
    }
}
