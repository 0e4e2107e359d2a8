package dev.kinbox.simulator.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.persistence.AccountState;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TimelineTest {
    private static final Function<String, String> LABEL = id -> id.equals(TraceFixtures.A) ? "A" : id.equals(TraceFixtures.B) ? "B" : id;

    @Test
    void lines_sayWhenWhoOwnOrReplicatedAndWhatChanged() {
        List<String> l = Timeline.lines(TraceFixtures.A, TraceFixtures.journalA(), Long.MAX_VALUE, LABEL);
        assertEquals(4, l.size());
        assertTrue(l.get(0).matches("#1 +2030-01-01T00:00:01Z +own +A:1 +SettingChanged key=s1 value=v1"), l.get(0));
        assertTrue(l.get(2).matches("#3 +2030-01-01T00:00:01\\.500Z +from +B:1 +SettingChanged key=s2 value=v2"), l.get(2));
        assertTrue(l.get(1).contains("ContactCreated contactId=c0"), l.get(1));
        List<String> b = Timeline.lines(TraceFixtures.B, TraceFixtures.journalB(), Long.MAX_VALUE, LABEL);
        assertTrue(b.get(2).contains("merged state") && b.get(2).contains("{A=2}"), b.get(2));
    }

    @Test
    void lines_andFold_stopAtTheGivenSequenceNumber() {
        assertEquals(2, Timeline.lines(TraceFixtures.A, TraceFixtures.journalA(), 2, LABEL).size());
        AccountState at2 = Journals.fold(TraceFixtures.journalA(), 2);
        assertEquals("v1", at2.settings().get("s1").value());
        assertEquals(null, at2.settings().get("s2"));
        assertEquals("v3", Journals.fold(TraceFixtures.journalA(), 4).settings().get("s1").value());
    }

    @Test
    void diff_namesEachPartThatDiffers() {
        AccountState a = Journals.fold(TraceFixtures.journalA(), Long.MAX_VALUE), b = Journals.fold(TraceFixtures.journalB(), Long.MAX_VALUE);
        List<String> d = StateView.diff(a, "A", b, "B", LABEL);
        assertTrue(d.get(0).startsWith("digests differ"), d.toString());
        assertTrue(d.stream().anyMatch(x -> x.startsWith("setting s1: A v3 (at 2030-01-01T00:00:04Z by A) | B v1 (at 2030-01-01T00:00:01Z by A)")), d.toString());
        assertTrue(d.stream().anyMatch(x -> x.startsWith("events of A: A 1..3 | B 1..2")), d.toString());
        assertTrue(d.stream().noneMatch(x -> x.startsWith("contact c0") || x.startsWith("setting s2")), "equal parts are not listed: " + d);
    }

    @Test
    void diff_ofStatesWithEqualDigests_saysEqual() {
        AccountState a = Journals.fold(TraceFixtures.journalA(), 3);
        AccountState b = Journals.fold(TraceFixtures.journalB(), 3);
        List<String> d = StateView.diff(a, "A", b, "B", LABEL);
        assertEquals(1, d.size(), d.toString());
        assertTrue(d.get(0).startsWith("equal (digest "), d.get(0));
    }
}
