package dev.kinbox.actors.muaa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinbox.persistence.AccountState;
import dev.kinbox.persistence.DeviceEvent;
import dev.kinbox.persistence.crdt.Bytes;
import dev.kinbox.persistence.crdt.Dot;
import dev.kinbox.persistence.crdt.Hlc;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The adoption rule alone, on states built from events: when a device's own state is appended. */
class AdoptionTest {
    private static final String SELF = "aaaaaaaaaaaaaaaa", SIBLING = "bbbbbbbbbbbbbbbb", OTHER = "cccccccccccccccc";

    @Test void eventsThatRetireASibling_areFollowedByTheStateTheyLeadTo() {
        AccountState s = threeDevices();
        var retire = new DeviceEvent.DeviceRetired(new Dot(SELF, 2), new Hlc(20, 0, SELF), SIBLING);
        List<Object> out = Adoption.withAdoption(SELF, s, List.of(retire));
        assertEquals(2, out.size());
        assertEquals(retire, out.get(0));
        assertEquals(s.apply(retire), out.get(1), "the whole resulting state, to be uploaded as this device's own");
        assertTrue(Adoption.retired((AccountState) out.get(1), SIBLING));
    }

    @Test void eventsThatRetireNobodyNew_orOnlyThisDevice_areLeftAsTheyAre() {
        AccountState s = threeDevices();
        var edit = new DeviceEvent.DeviceRenamed(new Dot(SELF, 2), new Hlc(20, 0, SELF), SELF, "laptop");
        assertEquals(List.of(edit), Adoption.withAdoption(SELF, s, List.of(edit)));
        var retireSelf = new DeviceEvent.DeviceRetired(new Dot(OTHER, 2), new Hlc(20, 0, OTHER), SELF);
        assertEquals(List.of(retireSelf), Adoption.withAdoption(SELF, s, List.of(retireSelf)), "a retired device adopts nothing");
        AccountState retired = s.apply(new DeviceEvent.DeviceRetired(new Dot(SELF, 2), new Hlc(20, 0, SELF), SIBLING));
        var again = new DeviceEvent.DeviceRetired(new Dot(OTHER, 2), new Hlc(21, 0, OTHER), SIBLING);
        assertEquals(List.of(again), Adoption.withAdoption(SELF, retired, List.of(again)), "retired already: adopted then");
        assertFalse(Adoption.retired(s, SIBLING));
    }

    @Test void aMergedStateThatRetiresASibling_isFollowedByTheJoin() {
        AccountState s = threeDevices();
        AccountState theirs = s.apply(new DeviceEvent.DeviceRetired(new Dot(OTHER, 2), new Hlc(20, 0, OTHER), SIBLING));
        List<Object> out = Adoption.withAdoption(SELF, s, List.of(theirs));
        assertEquals(List.of(theirs, s.join(theirs)), out);
    }

    private static AccountState threeDevices() {
        AccountState s = AccountState.EMPTY;
        int t = 1;
        for (String d : List.of(SELF, SIBLING, OTHER)) {
            s = s.apply(new DeviceEvent.DeviceAnnounced(new Dot(d, 1), new Hlc(t++, 0, d), d, Bytes.of(new byte[] {1}), d));
        }
        return s;
    }
}
