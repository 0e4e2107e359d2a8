package dev.kinbox.journal.sma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class SmaHeaderTest {
    private static final String DEVICE = "0123456789abcdef";

    @Test
    void format_isCanonicalAndParsesBack() throws Exception {
        SmaHeader h = SmaHeader.of(SmaHeader.Kind.JOURNAL, DEVICE, Map.of("to", "20", "from", "11"));
        assertEquals("v=1; kind=journal; device=" + DEVICE + "; from=11; to=20", h.format());
        assertEquals(h, SmaHeader.parse(h.format()));
        assertEquals(h, SmaHeader.parse("  device=" + DEVICE + ";to=20 ;kind=journal; v=1;from=11 "));
    }

    @Test
    void messageId_isDeterministicAndDependsOnEveryAttribute() {
        SmaHeader a = SmaHeader.of(SmaHeader.Kind.JOURNAL, DEVICE, Map.of("from", "1", "to", "5"));
        SmaHeader b = SmaHeader.of(SmaHeader.Kind.JOURNAL, DEVICE, Map.of("to", "5", "from", "1"));
        SmaHeader c = SmaHeader.of(SmaHeader.Kind.JOURNAL, DEVICE, Map.of("from", "1", "to", "6"));
        assertEquals("<journal." + DEVICE + ".from-1.to-5@sma.kinbox.invalid>", a.messageId());
        assertEquals(a.messageId(), b.messageId());
        assertTrue(!a.messageId().equals(c.messageId()));
    }

    @Test
    void require_namesTheMissingAttribute() {
        SmaHeader h = SmaHeader.of(SmaHeader.Kind.SNAPSHOT, DEVICE, Map.of());
        SmaFormatException e = assertThrows(SmaFormatException.class, () -> h.require("seq"));
        assertTrue(e.getMessage().contains("seq"));
    }

    @Test
    void parse_rejectsMalformedHeaders() {
        for (String bad : new String[] {
            "", "v=1", "v=2; kind=journal; device=" + DEVICE, "v=1; kind=bogus; device=" + DEVICE,
            "v=1; kind=journal; device=0123", "v=1; kind=journal; device=" + DEVICE + "; from=1; from=2",
            "v=1; v=1; kind=journal; device=" + DEVICE, "v=1; kind=journal; device=" + DEVICE + "; x",
            "v=1; kind=journal; device=" + DEVICE + "; Bad=1", "v=1; kind=journal; device=" + DEVICE + "; a=b c",
            "v=1; kind=journal; device=" + DEVICE + "; a=<x@y>", "v=1; kind=journal; device=" + DEVICE + ";".repeat(30),
            "x".repeat(SmaHeader.MAX_LENGTH + 1),
        }) {
            assertThrows(SmaFormatException.class, () -> SmaHeader.parse(bad), bad);
        }
        assertThrows(SmaFormatException.class, () -> SmaHeader.parse(null));
    }

    @Property(tries = 3000)
    void parse_arbitraryInput_endsInAHeaderOrATypedError(@ForAll @StringLength(max = 200) String s) {
        try {
            SmaHeader h = SmaHeader.parse(s);
            assertEquals(h, SmaHeader.parse(h.format()));
        } catch (SmaFormatException expected) {
            // typed refusal is the other allowed outcome
        }
    }
}
